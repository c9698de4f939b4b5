//===- Lexer.cpp - Tokens of the .net language -----------------------------===//

#include "compiler/Frontend/Lexer.h"

#include "llvm/ADT/StringExtras.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

using namespace dlc;

llvm::StringRef dlc::describe(Tok kind) {
  switch (kind) {
  case Tok::Eof: return "end of file";
  case Tok::Newline: return "end of line";
  case Tok::Ident: return "a name";
  case Tok::Int: return "an integer";
  case Tok::Float: return "a number";
  case Tok::String: return "a string";
  case Tok::LBrace: return "'{'";
  case Tok::RBrace: return "'}'";
  case Tok::LParen: return "'('";
  case Tok::RParen: return "')'";
  case Tok::LSquare: return "'['";
  case Tok::RSquare: return "']'";
  case Tok::Comma: return "','";
  case Tok::Colon: return "':'";
  case Tok::Equal: return "'='";
  case Tok::Pipe: return "'|>'";
  case Tok::Plus: return "'+'";
  case Tok::Minus: return "'-'";
  case Tok::Star: return "'*'";
  case Tok::Error: return "an invalid token";
  }
  return "a token";
}

namespace {
class Lexer {
public:
  explicit Lexer(llvm::StringRef buffer) : buf(buffer), pos(0) {}

  std::vector<Token> run() {
    std::vector<Token> toks;
    int depth = 0; // open ( and [: newlines inside do not end a statement
    while (true) {
      Token t = next();
      if (t.is(Tok::Newline)) {
        bool continues = depth > 0 ||
                         (!toks.empty() && (toks.back().is(Tok::Pipe) ||
                                            toks.back().is(Tok::Comma) ||
                                            toks.back().is(Tok::Newline)));
        if (continues || toks.empty())
          continue;
      }
      if (t.is(Tok::LParen) || t.is(Tok::LSquare))
        ++depth;
      if ((t.is(Tok::RParen) || t.is(Tok::RSquare)) && depth > 0)
        --depth;
      // A brace always ends a run of bracketed lines, so that an unclosed
      // '(' is reported near where it was opened rather than at the end.
      if (t.is(Tok::LBrace) || t.is(Tok::RBrace))
        depth = 0;
      bool done = t.is(Tok::Eof) || t.is(Tok::Error);
      toks.push_back(std::move(t));
      if (done)
        return toks;
    }
  }

private:
  Token make(Tok kind, size_t start) {
    Token t;
    t.kind = kind;
    t.text = buf.substr(start, pos - start);
    return t;
  }
  Token error(size_t start, std::string msg) {
    Token t = make(Tok::Error, start);
    if (t.text.empty())
      t.text = buf.substr(start, 1);
    t.str = std::move(msg);
    return t;
  }
  char peek(size_t ahead = 0) const {
    return pos + ahead < buf.size() ? buf[pos + ahead] : '\0';
  }
  bool atEnd() const { return pos >= buf.size(); }

  Token next() {
    // Skip blanks and comments.
    while (!atEnd()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos;
      } else if (c == '#') {
        while (!atEnd() && peek() != '\n')
          ++pos;
      } else {
        break;
      }
    }
    size_t start = pos;
    if (atEnd())
      return make(Tok::Eof, start);
    char c = buf[pos++];
    switch (c) {
    case '\n': return make(Tok::Newline, start);
    case '{': return make(Tok::LBrace, start);
    case '}': return make(Tok::RBrace, start);
    case '(': return make(Tok::LParen, start);
    case ')': return make(Tok::RParen, start);
    case '[': return make(Tok::LSquare, start);
    case ']': return make(Tok::RSquare, start);
    case ',': return make(Tok::Comma, start);
    case ':': return make(Tok::Colon, start);
    case '=': return make(Tok::Equal, start);
    case '+': return make(Tok::Plus, start);
    case '-': return make(Tok::Minus, start);
    case '*': return make(Tok::Star, start);
    case '|':
      if (peek() == '>') {
        ++pos;
        return make(Tok::Pipe, start);
      }
      return error(start, "'|' must be followed by '>' (the pipe '|>')");
    case '"': return lexString(start);
    default: break;
    }
    if (llvm::isAlpha(c) || c == '_') {
      while (llvm::isAlnum(peek()) || peek() == '_')
        ++pos;
      return make(Tok::Ident, start);
    }
    if (llvm::isDigit(c) || (c == '.' && llvm::isDigit(peek())))
      return lexNumber(start);
    if (llvm::isPrint(c))
      return error(start, std::string("unexpected character '") + c + "'");
    char hex[8];
    snprintf(hex, sizeof hex, "0x%02X", (unsigned char)c);
    return error(start, std::string("unexpected byte ") + hex +
                            " (is this a text file?)");
  }

  Token lexNumber(size_t start) {
    bool isFloat = buf[start] == '.';
    while (llvm::isDigit(peek()))
      ++pos;
    if (peek() == '.' && !isFloat) {
      isFloat = true;
      ++pos;
      while (llvm::isDigit(peek()))
        ++pos;
    }
    if (peek() == 'e' || peek() == 'E') {
      size_t save = pos;
      ++pos;
      if (peek() == '+' || peek() == '-')
        ++pos;
      if (!llvm::isDigit(peek())) {
        pos = save + 1;
        return error(start, "malformed exponent in number");
      }
      while (llvm::isDigit(peek()))
        ++pos;
      isFloat = true;
    }
    if (llvm::isAlpha(peek()) || peek() == '_')
      return error(start, "a name cannot start with a digit");
    Token t = make(isFloat ? Tok::Float : Tok::Int, start);
    std::string text = t.text.str();
    errno = 0;
    t.number = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE && std::abs(t.number) > 1)
      return error(start, "number out of range");
    return t;
  }

  Token lexString(size_t start) {
    std::string value;
    while (!atEnd() && peek() != '"' && peek() != '\n') {
      char c = buf[pos++];
      if (c == '\\' && (peek() == '"' || peek() == '\\'))
        c = buf[pos++];
      value.push_back(c);
    }
    if (peek() != '"')
      return error(start, "unterminated string");
    ++pos;
    Token t = make(Tok::String, start);
    t.str = std::move(value);
    return t;
  }

  llvm::StringRef buf;
  size_t pos;
};
} // namespace

std::vector<Token> dlc::lex(llvm::StringRef buffer) { return Lexer(buffer).run(); }
