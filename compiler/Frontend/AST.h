//===- AST.h - Syntax tree of the .net language -----------------*- C++ -*-===//
//
// The parser's output, before names or shapes are checked. Pipes are already
// desugared: `a |> f(b)` is the call `f(a, b)`.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTEND_AST_H
#define DLC_FRONTEND_AST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <memory>
#include <string>
#include <vector>

namespace dlc {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// `key=value` in a call.
struct KeywordArg {
  std::string name;
  llvm::SMLoc loc;
  ExprPtr value;
};

struct Expr {
  enum Kind { Number, Bool, String, Name, Call, Binary, Negate };
  Kind kind;
  llvm::SMLoc loc;
  double number = 0;       ///< Number.
  bool isInt = false;      ///< Number written without '.' or exponent.
  bool boolean = false;    ///< Bool.
  std::string text;        ///< String value, Name, Call callee.
  char op = 0;             ///< Binary: '+', '-' or '*'.
  std::vector<ExprPtr> args;          ///< Call positionals; Binary lhs, rhs; Negate.
  std::vector<KeywordArg> keywords;   ///< Call keywords.
  int height = 1; ///< Longest path to a leaf: bounds every recursive walk.

  Expr(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
};

/// `f32[N, 1, 28, 28]`: the batch N, then static dimensions.
struct TensorDecl {
  std::string dtype;
  llvm::SMLoc dtypeLoc;
  std::vector<int64_t> dims; ///< Without the batch.
};

struct Stmt {
  enum Kind { Input, Target, Let, Output, Loss, Optimizer, Return };
  Kind kind;
  llvm::SMLoc loc;      ///< The statement's first token.
  std::string name;     ///< Input, Target, Let, Output.
  llvm::SMLoc nameLoc;
  TensorDecl decl;      ///< Input, Target.
  ExprPtr value;        ///< Let, Output, Loss, Optimizer (a Call), Return.
  /// Set by Sema: the value depends on a target, so inference skips it.
  bool trainingOnly = false;

  Stmt(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
};

/// The keywords that open a statement, the one table the parser and the
/// checks read (a Let statement, `NAME = EXPR`, has none).
struct StmtKeyword {
  Stmt::Kind kind;
  llvm::StringLiteral spelling;
};
inline constexpr StmtKeyword kStmtKeywords[] = {
    {Stmt::Input, "input"},         {Stmt::Target, "target"},
    {Stmt::Output, "output"},       {Stmt::Loss, "loss"},
    {Stmt::Optimizer, "optimizer"}, {Stmt::Return, "return"}};

/// The statement keyword spelled `word`, or null.
inline const StmtKeyword *findStmtKeyword(llvm::StringRef word) {
  for (const StmtKeyword &k : kStmtKeywords)
    if (k.spelling == word)
      return &k;
  return nullptr;
}

/// The keyword of `kind` ("" for Let).
inline llvm::StringRef keywordOf(Stmt::Kind kind) {
  for (const StmtKeyword &k : kStmtKeywords)
    if (k.kind == kind)
      return k.spelling;
  return "";
}

/// A block parameter: the first (and any untyped) is a tensor.
struct Param {
  enum Kind { Tensor, Int, Float, Bool };
  std::string name;
  llvm::SMLoc loc;
  Kind kind = Tensor;
  ExprPtr defaultValue; ///< Null when required.
};

/// `network NAME { ... }` or `block NAME(params) { ... }`.
struct Definition {
  bool isBlock = false;
  std::string name;
  llvm::SMLoc loc;
  std::vector<Param> params;
  std::vector<Stmt> body;
};

struct Program {
  std::vector<Definition> defs;
};

} // namespace dlc

#endif // DLC_FRONTEND_AST_H
