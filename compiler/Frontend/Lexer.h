//===- Lexer.h - Tokens of the .net language --------------------*- C++ -*-===//

#ifndef DLC_FRONTEND_LEXER_H
#define DLC_FRONTEND_LEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <string>
#include <vector>

namespace dlc {

enum class Tok {
  Eof,
  Newline,
  Ident,
  Int,
  Float,
  String,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LSquare,
  RSquare,
  Comma,
  Colon,
  Equal,
  Pipe,
  Plus,
  Minus,
  Star,
  Error,
};

/// A token: its kind, its text in the buffer and, for literals, its value.
struct Token {
  Tok kind = Tok::Eof;
  llvm::StringRef text;
  double number = 0;    ///< Int and Float.
  std::string str;      ///< String (escapes resolved); the message for Error.

  llvm::SMLoc loc() const { return llvm::SMLoc::getFromPointer(text.data()); }
  bool is(Tok k) const { return kind == k; }
  bool isIdent(llvm::StringRef word) const {
    return kind == Tok::Ident && text == word;
  }
};

/// Splits a buffer into tokens. Newlines are tokens, except inside brackets
/// and after `|>` or `,`, where a statement continues on the next line. The
/// list always ends with Eof, or with the first Error.
std::vector<Token> lex(llvm::StringRef buffer);

/// Human-readable name of a token kind for "expected X" messages.
llvm::StringRef describe(Tok kind);

} // namespace dlc

#endif // DLC_FRONTEND_LEXER_H
