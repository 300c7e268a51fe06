// WRIT_API marks what libwrit exports; everything else in the library is hidden.
#pragma once

#if defined(WRIT_STATIC)
#define WRIT_API
#else
#define WRIT_API __attribute__((visibility("default")))
#endif
