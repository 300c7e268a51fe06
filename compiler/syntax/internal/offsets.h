// Maps ANTLR's code-point indices back to byte offsets in the UTF-8 source.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"
#include "compiler/syntax/internal/antlr.h"

namespace writ::syntax {

class OffsetMap {
 public:
  explicit OffsetMap(std::string_view utf8) {
    for (std::uint32_t i = 0; i < utf8.size(); ++i) {
      if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) byte_of_.push_back(i);
    }
    byte_of_.push_back(static_cast<std::uint32_t>(utf8.size()));
  }

  std::uint32_t byte(std::size_t code_point_index) const {
    return code_point_index < byte_of_.size() ? byte_of_[code_point_index] : byte_of_.back();
  }

  // The byte span of a token; EOF tokens become an empty span at the end of the file.
  Span token_span(FileId file, const antlr4::Token* token) const {
    if (token->getType() == antlr4::Token::EOF) return Span{file, byte_of_.back(), byte_of_.back()};
    std::size_t start = token->getStartIndex();
    std::size_t stop = token->getStopIndex();
    if (stop + 1 < start) stop = start;  // empty tokens report stop = start - 1
    return Span{file, byte(start), byte(stop + 1)};
  }

  Span context_span(FileId file, antlr4::ParserRuleContext* ctx) const {
    const antlr4::Token* start = ctx->getStart();
    const antlr4::Token* stop = ctx->getStop();
    if (start == nullptr) return Span{file, 0, 0};
    Span s = token_span(file, start);
    if (stop != nullptr && stop->getTokenIndex() >= start->getTokenIndex()) s = s.to(token_span(file, stop));
    return s;
  }

 private:
  std::vector<std::uint32_t> byte_of_;
};

}  // namespace writ::syntax
