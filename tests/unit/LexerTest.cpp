//===- LexerTest.cpp - Tokens and line continuation of .net files ---------===//

#include "compiler/Frontend/Lexer.h"

#include <gtest/gtest.h>

using namespace dlc;

namespace {

std::vector<Tok> kinds(llvm::StringRef text) {
  std::vector<Tok> out;
  for (const Token &t : lex(text))
    out.push_back(t.kind);
  return out;
}

TEST(Lexer, TokensOfAStatement) {
  std::vector<Token> toks = lex("x = conv2d(image, 6, kernel=5) |> relu # c\n");
  std::vector<Tok> expected = {Tok::Ident,  Tok::Equal, Tok::Ident, Tok::LParen,
                               Tok::Ident,  Tok::Comma, Tok::Int,   Tok::Comma,
                               Tok::Ident,  Tok::Equal, Tok::Int,   Tok::RParen,
                               Tok::Pipe,   Tok::Ident, Tok::Newline, Tok::Eof};
  ASSERT_EQ(kinds("x = conv2d(image, 6, kernel=5) |> relu # c\n"), expected);
  EXPECT_EQ(toks[2].text, "conv2d");
  EXPECT_EQ(toks[10].number, 5);
}

TEST(Lexer, Numbers) {
  std::vector<Token> toks = lex("3 0.5 1e-3 .25 2E+2");
  EXPECT_EQ(toks[0].kind, Tok::Int);
  EXPECT_EQ(toks[1].kind, Tok::Float);
  EXPECT_DOUBLE_EQ(toks[1].number, 0.5);
  EXPECT_EQ(toks[2].kind, Tok::Float);
  EXPECT_DOUBLE_EQ(toks[2].number, 1e-3);
  EXPECT_DOUBLE_EQ(toks[3].number, 0.25);
  EXPECT_DOUBLE_EQ(toks[4].number, 200);
}

TEST(Lexer, StatementsContinueAfterPipeCommaAndOpenBracket) {
  // Newlines inside (...) and after |> or ',' do not end the statement.
  EXPECT_EQ(kinds("a |>\n b"),
            (std::vector<Tok>{Tok::Ident, Tok::Pipe, Tok::Ident, Tok::Eof}));
  EXPECT_EQ(kinds("f(a,\n\n b\n)"),
            (std::vector<Tok>{Tok::Ident, Tok::LParen, Tok::Ident, Tok::Comma,
                              Tok::Ident, Tok::RParen, Tok::Eof}));
  // Blank lines collapse into one newline.
  EXPECT_EQ(kinds("a\n\n\nb"),
            (std::vector<Tok>{Tok::Ident, Tok::Newline, Tok::Ident, Tok::Eof}));
}

TEST(Lexer, StringsResolveEscapes) {
  std::vector<Token> toks = lex(R"("layer\"1")");
  ASSERT_EQ(toks[0].kind, Tok::String);
  EXPECT_EQ(toks[0].str, "layer\"1");
}

TEST(Lexer, ErrorsStopTheTokenStream) {
  struct Case {
    std::string text, message;
  } cases[] = {
      {"a $ b", "unexpected character '$'"},
      {"a | b", "'|' must be followed by '>' (the pipe '|>')"},
      {"\"open", "unterminated string"},
      {"1e+", "malformed exponent in number"},
      {"3x", "a name cannot start with a digit"},
      {"1e999", "number out of range"},
      {std::string("a\0", 2), "unexpected byte 0x00"},
  };
  for (const Case &c : cases) {
    std::vector<Token> toks = lex(c.text);
    ASSERT_EQ(toks.back().kind, Tok::Error) << c.text;
    EXPECT_TRUE(llvm::StringRef(toks.back().str).starts_with(c.message))
        << toks.back().str;
  }
}

} // namespace
