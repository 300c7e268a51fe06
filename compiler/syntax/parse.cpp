// Runs the ANTLR lexer and parser over one file, guarding them, and builds the AST.
#include "compiler/syntax/parse.h"

#include <stdexcept>

#include <fmt/format.h>

#include "compiler/syntax/internal/antlr.h"
#include "compiler/syntax/internal/ast_builder.h"
#include "compiler/syntax/internal/offsets.h"

namespace writ::syntax {
namespace {

// Turns ANTLR's syntax errors into E0002 diagnostics with readable messages.
class ErrorListener : public antlr4::BaseErrorListener {
 public:
  ErrorListener(diag::DiagnosticSink& sink, const OffsetMap& offsets, FileId file)
      : sink_(sink), offsets_(offsets), file_(file) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t, size_t,
                   const std::string& antlr_message, std::exception_ptr) override {
    ++count_;
    if (offending == nullptr) {
      sink_.report(diag::DiagId::SyntaxError, Span{file_, 0, 0}, antlr_message);
      return;
    }
    // One error per token: ANTLR's recovery may report the same spot twice.
    if (offending->getTokenIndex() == last_token_ && last_token_ != static_cast<size_t>(-1)) return;
    last_token_ = offending->getTokenIndex();
    Span span = offsets_.token_span(file_, offending);
    auto type = offending->getType();
    if (type == WritLexer::UNTERMINATED_STRING) {
      sink_.report(diag::DiagId::UnterminatedString, span, "string literal is not closed before the end of the line")
          .with_help("add a closing `\"`; a string cannot span lines (use `\\n`)");
      return;
    }
    if (type == WritLexer::UNKNOWN_CHAR) {
      sink_.report(diag::DiagId::SyntaxError, span, fmt::format("unexpected character `{}`", offending->getText()));
      return;
    }
    auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
    std::string found = type == antlr4::Token::EOF ? "end of file" : fmt::format("`{}`", offending->getText());
    std::string expected;
    if (parser != nullptr) {
      antlr4::misc::IntervalSet set = parser->getExpectedTokens();
      if (set.size() > 0 && set.size() <= 6) expected = describe_expected(set, parser->getVocabulary());
    }
    std::string message =
        expected.empty() ? fmt::format("unexpected {}", found) : fmt::format("expected {}, found {}", expected, found);
    auto& d = sink_.report(diag::DiagId::SyntaxError, span, message);
    if (antlr_message.find("extraneous") == std::string::npos && expected.empty()) {
      d.note(fmt::format("the parser said: {}", antlr_message));
    }
  }

  std::size_t count() const { return count_; }

 private:
  static std::string describe_expected(const antlr4::misc::IntervalSet& set, const antlr4::dfa::Vocabulary& vocab) {
    std::vector<std::string> names;
    for (auto t : set.toList()) {
      std::string literal = vocab.getLiteralName(t);
      if (!literal.empty()) {
        names.push_back(fmt::format("`{}`", literal.substr(1, literal.size() - 2)));
      } else if (t == static_cast<decltype(t)>(antlr4::Token::EOF)) {
        names.push_back("end of file");
      } else {
        std::string symbolic = vocab.getSymbolicName(t);
        if (symbolic == "IDENT")
          names.push_back("a name");
        else if (symbolic == "STRING")
          names.push_back("a string");
        else if (symbolic == "INT")
          names.push_back("an integer");
        else if (symbolic == "DURATION")
          names.push_back("a duration");
        else if (symbolic == "TIME_OF_DAY")
          names.push_back("a time of day");
        else
          names.push_back(symbolic);
      }
    }
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
      out += names[i];
    }
    return out;
  }

  diag::DiagnosticSink& sink_;
  const OffsetMap& offsets_;
  FileId file_;
  std::size_t count_ = 0;
  std::size_t last_token_ = static_cast<size_t>(-1);
};

// Deep nesting would exhaust the stack of the recursive-descent parser; refuse it up front.
bool check_nesting(WritLexer& lexer, antlr4::CommonTokenStream& tokens, const OffsetMap& offsets, FileId file,
                   int max_nesting, diag::DiagnosticSink& sink) {
  // Classify token types once by their literal spelling, so the scan does not build strings.
  enum : char { kOther, kOpen, kClose, kPrefix, kIf, kDeclaration };
  const antlr4::dfa::Vocabulary& vocab = lexer.getVocabulary();
  std::vector<char> kind(vocab.getMaxTokenType() + 2, kOther);
  for (std::size_t t = 0; t <= vocab.getMaxTokenType(); ++t) {
    std::string literal = vocab.getLiteralName(t);
    if (literal == "'('" || literal == "'['" || literal == "'{'") kind[t] = kOpen;
    if (literal == "')'" || literal == "']'" || literal == "'}'") kind[t] = kClose;
    if (literal == "'!'" || literal == "'-'") kind[t] = kPrefix;
    if (literal == "'if'") kind[t] = kIf;
    if (literal == "'const'" || literal == "'permit'" || literal == "'forbid'" || literal == "'issuer'" ||
        literal == "'test'" || literal == "'schema'")
      kind[t] = kDeclaration;
  }
  int depth = 0;
  int prefix_run = 0;
  // `if ... else if ... else if ...` nests without brackets, and where a conditional ends is not
  // marked: every `if` within one bracket counts as a level until that bracket closes.
  std::vector<int> ifs_in_bracket{0};
  for (antlr4::Token* t : tokens.getTokens()) {
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    std::size_t type = t->getType();
    char k = type < kind.size() ? kind[type] : static_cast<char>(kOther);
    if (k == kOpen) {
      ++depth;
      ifs_in_bracket.push_back(0);
    }
    if (k == kClose) {
      depth = std::max(0, depth - 1);
      if (ifs_in_bracket.size() > 1) ifs_in_bracket.pop_back();
    }
    if (k == kIf) ++ifs_in_bracket.back();
    if (k == kDeclaration && depth == 0) ifs_in_bracket.back() = 0;  // a new declaration
    prefix_run = k == kPrefix ? prefix_run + 1 : 0;
    if (depth + ifs_in_bracket.back() > max_nesting || prefix_run > max_nesting) {
      sink.report(diag::DiagId::NestingTooDeep, offsets.token_span(file, t),
                  fmt::format("brackets or prefix operators are nested more than {} deep", max_nesting))
          .note("Writ bounds nesting so that checking and evaluation use bounded stack")
          .with_help("name parts of the expression with `let` or `const`");
      return false;
    }
  }
  return true;
}

}  // namespace

ast::File parse_file(const SourceManager& sources, FileId file_id, diag::DiagnosticSink& sink, ParseLimits limits) {
  ast::File result;
  result.file = file_id;
  const SourceFile& file = sources.file(file_id);
  const std::string& text = file.text();

  if (text.size() > limits.max_file_bytes) {
    sink.report(diag::DiagId::FileTooLarge, Span{file_id, 0, 0},
                fmt::format("the file is larger than the limit of {} bytes", limits.max_file_bytes))
        .with_help("split the policy into several files");
    result.had_syntax_errors = true;
    return result;
  }
  if (std::size_t bad = find_invalid_utf8(text); bad != std::string::npos) {
    auto at = static_cast<std::uint32_t>(bad);
    sink.report(
            diag::DiagId::InvalidUtf8, Span{file_id, at, at + 1},
            fmt::format("byte 0x{:02X} at offset {} is not valid UTF-8", static_cast<unsigned char>(text[bad]), bad))
        .note("Writ source files must be UTF-8");
    result.had_syntax_errors = true;
    return result;
  }

  try {
    OffsetMap offsets(text);
    antlr4::ANTLRInputStream input(text);
    WritLexer lexer(&input);
    lexer.removeErrorListeners();
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();
    if (!check_nesting(lexer, tokens, offsets, file_id, limits.max_nesting, sink)) {
      result.had_syntax_errors = true;
      return result;
    }

    WritParser parser(&tokens);
    parser.removeErrorListeners();
    // Fast path: SLL prediction, bail at the first error; most files are valid.
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    WritParser::FileContext* tree = nullptr;
    try {
      tree = parser.file();
    } catch (const antlr4::ParseCancellationException&) {
      tree = nullptr;
    }
    std::size_t errors = 0;
    if (tree == nullptr) {
      // Slow path: full LL prediction with error recovery, so every error is reported.
      tokens.seek(0);
      parser.reset();
      ErrorListener listener(sink, offsets, file_id);
      parser.addErrorListener(&listener);
      parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
      parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
      tree = parser.file();
      errors = listener.count();
      parser.removeErrorListeners();
    }
    result.had_syntax_errors = errors > 0;
    AstBuilder builder(file_id, text, offsets, sink, limits.max_nesting);
    builder.build_file(tree, result);
    builder.collect_comments(tokens, result);
  } catch (const std::exception& e) {
    // The ANTLR runtime signals some failures (bad input encoding) by throwing.
    sink.report(diag::DiagId::SyntaxError, Span{file_id, 0, 0}, fmt::format("the parser failed: {}", e.what()));
    result.had_syntax_errors = true;
  }
  return result;
}

}  // namespace writ::syntax
