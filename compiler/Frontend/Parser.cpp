//===- Parser.cpp - Recursive-descent parser for .net files ---------------===//
//
// The grammar rule a function parses is written above it. The parser stops at
// the first error: it never guesses a repair, so one mistake gives one message.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/Parser.h"

#include "compiler/Frontend/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace dlc;

namespace {

/// Reserved words besides the statement keywords (AST.h).
constexpr llvm::StringLiteral kOtherKeywords[] = {"network", "block", "true",
                                                  "false"};

/// Expressions nest at most this deep, so that no input exhausts the stack
/// of the recursive walks that follow (Sema, MLIRGen, the destructor).
constexpr int kMaxNesting = 200;
constexpr int kMaxHeight = 500;

class Parser {
public:
  Parser(const SourceFile &file) : file(file), toks(lex(file.buffer())) {}

  /// program ::= (network | block)*
  std::optional<Program> parseProgram() {
    Program program;
    while (true) {
      skipNewlines();
      if (cur().is(Tok::Eof))
        return program;
      Definition def;
      if (cur().isIdent("network") || cur().isIdent("block")) {
        if (failed(parseDefinition(def)))
          return std::nullopt;
        program.defs.push_back(std::move(def));
        continue;
      }
      if (cur().is(Tok::Error))
        return (void)fail(cur(), cur().str), std::nullopt;
      auto diag = file.error(cur().loc(), "expected 'network' or 'block', got " +
                                              spell(cur()));
      if (cur().is(Tok::Ident))
        noteClosest(diag, cur().text, {"network", "block"});
      return std::nullopt;
    }
  }

private:
  using LogicalResult = llvm::LogicalResult;

  const Token &cur() const { return toks[idx]; }
  const Token &peekNext() const {
    return toks[std::min(idx + 1, toks.size() - 1)];
  }
  const Token &consume() {
    const Token &t = toks[idx];
    if (idx + 1 < toks.size())
      ++idx;
    return t;
  }
  void skipNewlines() {
    while (cur().is(Tok::Newline))
      consume();
  }

  static std::string spell(const Token &t) {
    if (t.is(Tok::Eof) || t.is(Tok::Newline))
      return describe(t.kind).str();
    return "'" + t.text.str() + "'";
  }

  LogicalResult fail(const Token &at, const llvm::Twine &msg) {
    // A lexer error is the real cause wherever the parser trips on it.
    if (at.is(Tok::Error))
      file.error(at.loc(), at.str);
    else
      file.error(at.loc(), msg);
    return llvm::failure();
  }

  ExprPtr failExpr(const Token &at, const llvm::Twine &msg) {
    (void)fail(at, msg);
    return nullptr;
  }

  LogicalResult expect(Tok kind, llvm::StringRef context) {
    if (cur().is(kind)) {
      consume();
      return llvm::success();
    }
    return fail(cur(), "expected " + describe(kind) + " " + context + ", got " +
                           spell(cur()));
  }

  LogicalResult expectIdent(std::string &out, llvm::SMLoc &loc,
                            llvm::StringRef what) {
    if (!cur().is(Tok::Ident))
      return fail(cur(), "expected " + what + ", got " + spell(cur()));
    if (isKeyword(cur().text))
      return fail(cur(), "'" + cur().text + "' is a keyword and cannot be " +
                             "used as " + what);
    loc = cur().loc();
    out = consume().text.str();
    return llvm::success();
  }

  static bool isKeyword(llvm::StringRef word) {
    return llvm::is_contained(kOtherKeywords, word) || findStmtKeyword(word);
  }

  /// network ::= 'network' ident '{' stmt* '}'
  /// block   ::= 'block' ident '(' params ')' '{' stmt* '}'
  LogicalResult parseDefinition(Definition &def) {
    def.isBlock = consume().text == "block";
    llvm::StringRef what = def.isBlock ? "a block name" : "a network name";
    if (failed(expectIdent(def.name, def.loc, what)))
      return llvm::failure();
    if (def.isBlock && failed(parseParams(def.params)))
      return llvm::failure();
    if (failed(expect(Tok::LBrace, def.isBlock ? "to open the block body"
                                               : "to open the network body")))
      return llvm::failure();
    while (true) {
      skipNewlines();
      if (cur().is(Tok::RBrace)) {
        consume();
        break;
      }
      if (cur().is(Tok::Eof))
        return fail(cur(), "expected '}' to close " + what.drop_front(2) +
                               " '" + def.name + "', got end of file");
      Stmt stmt(Stmt::Let, cur().loc());
      if (failed(parseStmt(stmt)))
        return llvm::failure();
      def.body.push_back(std::move(stmt));
    }
    if (!cur().is(Tok::Newline) && !cur().is(Tok::Eof))
      return fail(cur(), "expected end of line after '}', got " + spell(cur()));
    return llvm::success();
  }

  /// params ::= '(' (param (',' param)*)? ')'
  /// param  ::= ident (':' ('tensor' | 'int' | 'float' | 'bool'))? ('=' expr)?
  LogicalResult parseParams(std::vector<Param> &params) {
    if (failed(expect(Tok::LParen, "after the block name")))
      return llvm::failure();
    while (!cur().is(Tok::RParen)) {
      Param p;
      if (failed(expectIdent(p.name, p.loc, "a parameter name")))
        return llvm::failure();
      if (cur().is(Tok::Colon)) {
        consume();
        auto kind = llvm::StringSwitch<std::optional<Param::Kind>>(cur().text)
                        .Case("tensor", Param::Tensor)
                        .Case("int", Param::Int)
                        .Case("float", Param::Float)
                        .Case("bool", Param::Bool)
                        .Default(std::nullopt);
        if (!cur().is(Tok::Ident) || !kind)
          return fail(cur(), "expected a parameter type (tensor, int, float "
                             "or bool), got " + spell(cur()));
        consume();
        p.kind = *kind;
      }
      if (cur().is(Tok::Equal)) {
        consume();
        if (!(p.defaultValue = parseExpr(0)))
          return llvm::failure();
      }
      params.push_back(std::move(p));
      if (!cur().is(Tok::Comma))
        break;
      consume();
    }
    return expect(Tok::RParen, "to close the parameter list");
  }

  /// tensor_type ::= ident '[' 'N' (',' int)* ']'
  LogicalResult parseTensorDecl(TensorDecl &decl) {
    if (!cur().is(Tok::Ident))
      return fail(cur(), "expected an element type (f32 or i32), got " +
                             spell(cur()));
    decl.dtypeLoc = cur().loc();
    decl.dtype = consume().text.str();
    if (failed(expect(Tok::LSquare, "after the element type")))
      return llvm::failure();
    if (!cur().isIdent("N"))
      return fail(cur(), "expected the batch dimension 'N' first, got " +
                             spell(cur()));
    consume();
    while (cur().is(Tok::Comma)) {
      consume();
      if (!cur().is(Tok::Int) || cur().number < 1)
        return fail(cur(), "expected a positive integer dimension, got " +
                               spell(cur()));
      if (cur().number > (1 << 30))
        return fail(cur(), "dimension " + cur().text + " is too large");
      decl.dims.push_back((int64_t)consume().number);
    }
    return expect(Tok::RSquare, "to close the shape");
  }

  /// stmt ::= 'input' ident ':' tensor_type | 'target' ident ':' tensor_type
  ///        | 'output' ident '=' expr | ident '=' expr
  ///        | 'loss' expr | 'optimizer' call | 'return' expr
  LogicalResult parseStmt(Stmt &stmt) {
    const Token &head = cur();
    if (head.is(Tok::Ident) && !peekNext().is(Tok::Equal)) {
      const StmtKeyword *keyword = findStmtKeyword(head.text);
      if (!keyword) {
        auto diag = file.error(head.loc(), "unknown keyword '" + head.text +
                                               "' at the start of a statement");
        std::vector<llvm::StringRef> words;
        for (const StmtKeyword &k : kStmtKeywords)
          words.push_back(k.spelling);
        if (!noteClosest(diag, head.text, words))
          diag.attachNote()
              << "a statement is 'NAME = EXPR' or starts with "
              << llvm::join(llvm::ArrayRef(words).drop_back(), ", ") << " or "
              << words.back();
        return llvm::failure();
      }
      stmt.kind = keyword->kind;
      consume();
    }
    switch (stmt.kind) {
    case Stmt::Input:
    case Stmt::Target:
      if (failed(expectIdent(stmt.name, stmt.nameLoc, "a tensor name")) ||
          failed(expect(Tok::Colon, "after the tensor name")) ||
          failed(parseTensorDecl(stmt.decl)))
        return llvm::failure();
      break;
    case Stmt::Let:
    case Stmt::Output:
      if (failed(expectIdent(stmt.name, stmt.nameLoc, "a value name")) ||
          failed(expect(Tok::Equal, "after the value name")))
        return llvm::failure();
      [[fallthrough]];
    case Stmt::Loss:
    case Stmt::Return:
      if (!(stmt.value = parseExpr(0)))
        return llvm::failure();
      break;
    case Stmt::Optimizer:
      if (!cur().is(Tok::Ident) || !peekNext().is(Tok::LParen))
        return fail(cur(), "expected an optimizer call such as sgd(lr=0.1), "
                           "got " + spell(cur()));
      if (!(stmt.value = parsePrimary(0)))
        return llvm::failure();
      break;
    }
    if (!cur().is(Tok::Newline) && !cur().is(Tok::RBrace))
      return fail(cur(), "expected end of line after the statement, got " +
                             spell(cur()));
    return llvm::success();
  }

  /// expr ::= sum ('|>' ident ('(' args ')')?)*
  ExprPtr parseExpr(int depth) {
    if (depth > kMaxNesting)
      return failExpr(cur(), "expression nested too deeply");
    ExprPtr lhs = parseSum(depth);
    while (lhs) {
      // A pipe may also open the next line: `x = conv(...)\n  |> relu`.
      if (cur().is(Tok::Newline) && peekNext().is(Tok::Pipe))
        consume();
      if (!cur().is(Tok::Pipe))
        break;
      consume();
      if (!cur().is(Tok::Ident) || isKeyword(cur().text))
        return failExpr(cur(), "expected an op or block name after '|>', got " +
                               spell(cur()));
      auto call = std::make_unique<Expr>(Expr::Call, cur().loc());
      call->text = consume().text.str();
      call->args.push_back(std::move(lhs));
      if (cur().is(Tok::LParen) && failed(parseArgs(*call, depth)))
        return nullptr;
      lhs = measured(std::move(call));
    }
    return lhs;
  }

  /// sum ::= product (('+' | '-') product)*
  ExprPtr parseSum(int depth) {
    ExprPtr lhs = parseProduct(depth);
    while (lhs && (cur().is(Tok::Plus) || cur().is(Tok::Minus)))
      lhs = binary(std::move(lhs), depth, &Parser::parseProduct);
    return lhs;
  }

  /// product ::= unary ('*' unary)*
  ExprPtr parseProduct(int depth) {
    ExprPtr lhs = parseUnary(depth);
    while (lhs && cur().is(Tok::Star))
      lhs = binary(std::move(lhs), depth, &Parser::parseUnary);
    return lhs;
  }

  ExprPtr binary(ExprPtr lhs, int depth, ExprPtr (Parser::*operand)(int)) {
    auto e = std::make_unique<Expr>(Expr::Binary, cur().loc());
    e->op = consume().text[0];
    ExprPtr rhs = (this->*operand)(depth + 1);
    if (!rhs)
      return nullptr;
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
    return measured(std::move(e));
  }

  /// Sets the height of a new node; refuses trees too tall to walk safely.
  ExprPtr measured(ExprPtr e) {
    for (const ExprPtr &a : e->args)
      e->height = std::max(e->height, a->height + 1);
    for (const KeywordArg &k : e->keywords)
      e->height = std::max(e->height, k.value->height + 1);
    if (e->height <= kMaxHeight)
      return e;
    (void)fail(toks[idx], "expression is too long or too deeply nested (more than " +
                        llvm::Twine(kMaxHeight) +
                        " steps); split it into several statements");
    return nullptr;
  }

  /// unary ::= '-' unary | primary
  ExprPtr parseUnary(int depth) {
    if (depth > kMaxNesting)
      return failExpr(cur(), "expression nested too deeply");
    if (!cur().is(Tok::Minus))
      return parsePrimary(depth);
    auto e = std::make_unique<Expr>(Expr::Negate, consume().loc());
    ExprPtr operand = parseUnary(depth + 1);
    if (!operand)
      return nullptr;
    e->args.push_back(std::move(operand));
    return measured(std::move(e));
  }

  /// primary ::= number | string | 'true' | 'false' | ident
  ///           | ident '(' args ')' | '(' expr ')'
  ExprPtr parsePrimary(int depth) {
    const Token &t = cur();
    switch (t.kind) {
    case Tok::Int:
    case Tok::Float: {
      auto e = std::make_unique<Expr>(Expr::Number, t.loc());
      e->number = t.number;
      e->isInt = t.is(Tok::Int);
      consume();
      return e;
    }
    case Tok::String: {
      auto e = std::make_unique<Expr>(Expr::String, t.loc());
      e->text = t.str;
      consume();
      return e;
    }
    case Tok::LParen: {
      consume();
      ExprPtr inner = parseExpr(depth + 1);
      if (!inner || failed(expect(Tok::RParen, "to close '('")))
        return nullptr;
      return inner;
    }
    case Tok::Ident: {
      if (t.text == "true" || t.text == "false") {
        auto e = std::make_unique<Expr>(Expr::Bool, t.loc());
        e->boolean = t.text == "true";
        consume();
        return e;
      }
      if (isKeyword(t.text))
        return failExpr(t, "unexpected keyword '" + t.text + "' in an expression");
      bool isCall = peekNext().is(Tok::LParen);
      auto e = std::make_unique<Expr>(isCall ? Expr::Call : Expr::Name, t.loc());
      e->text = consume().text.str();
      if (isCall && failed(parseArgs(*e, depth)))
        return nullptr;
      return isCall ? measured(std::move(e)) : std::move(e);
    }
    default:
      return failExpr(t, "expected an expression, got " + spell(t));
    }
  }

  /// args ::= '(' (arg (',' arg)*)? ')'      arg ::= expr | ident '=' expr
  LogicalResult parseArgs(Expr &call, int depth) {
    consume(); // '('
    while (!cur().is(Tok::RParen)) {
      if (cur().is(Tok::Ident) && peekNext().is(Tok::Equal)) {
        KeywordArg kw;
        kw.loc = cur().loc();
        kw.name = consume().text.str();
        consume(); // '='
        if (!(kw.value = parseExpr(depth + 1)))
          return llvm::failure();
        call.keywords.push_back(std::move(kw));
      } else {
        llvm::SMLoc at = cur().loc();
        ExprPtr arg = parseExpr(depth + 1);
        if (!arg)
          return llvm::failure();
        if (!call.keywords.empty())
          return file.error(at, "positional argument after a keyword "
                                "argument"),
                 llvm::failure();
        call.args.push_back(std::move(arg));
      }
      if (!cur().is(Tok::Comma))
        break;
      consume();
    }
    return expect(Tok::RParen, "to close the argument list of '" + call.text +
                                   "'");
  }

  const SourceFile &file;
  std::vector<Token> toks;
  size_t idx = 0;
};

} // namespace

std::optional<Program> dlc::parseProgram(const SourceFile &file) {
  return Parser(file).parseProgram();
}
