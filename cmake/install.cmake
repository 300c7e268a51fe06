# What `cmake --install` puts where, find_package(Writ) and pkg-config support, and the Debian
# package (`cpack -G DEB`).
include(CMakePackageConfigHelpers)

set(WRIT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Writ)
set(WRIT_INSTALL_SCHEMADIR ${CMAKE_INSTALL_DATADIR}/writ/schemas)

install(TARGETS writ RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(TARGETS writ_library EXPORT WritTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/writ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/stdlib/schemas/ DESTINATION ${WRIT_INSTALL_SCHEMADIR} COMPONENT runtime
        FILES_MATCHING PATTERN "*.writ")
install(EXPORT WritTargets NAMESPACE Writ:: DESTINATION ${WRIT_INSTALL_CMAKEDIR} COMPONENT development)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/WritConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/WritConfig.cmake
                              INSTALL_DESTINATION ${WRIT_INSTALL_CMAKEDIR}
                              PATH_VARS WRIT_INSTALL_SCHEMADIR)
# 0.x: a new minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/WritConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/WritConfig.cmake ${PROJECT_BINARY_DIR}/WritConfigVersion.cmake
        DESTINATION ${WRIT_INSTALL_CMAKEDIR} COMPONENT development)

configure_file(${PROJECT_SOURCE_DIR}/cmake/writ.pc.in ${PROJECT_BINARY_DIR}/writ.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/writ.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT development)

# One Debian package with the tool, the library and its headers. dpkg-shlibdeps computes the
# Depends from what the binaries link (libLLVM 19, ANTLR 4.9, RE2, OpenSSL 3, ...).
set(CPACK_PACKAGE_NAME writ)
set(CPACK_PACKAGE_VENDOR "Writ")
set(CPACK_PACKAGE_CONTACT "Writ maintainers <writ@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "policy-as-code compiler and evaluator for workload identity")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
