//===- Sema.h - Name, call and definition checks for .net files -*- C++ -*-===//
//
// Everything that can be checked before blocks are expanded: unknown or
// redefined names, unused values, call arguments against the built-in table,
// statement placement and block recursion. Shapes need the expanded network
// and are checked by MLIRGen.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTEND_SEMA_H
#define DLC_FRONTEND_SEMA_H

#include "compiler/Frontend/AST.h"
#include "compiler/Frontend/Builtins.h"
#include "compiler/Frontend/Diagnostics.h"

#include <optional>

namespace dlc {

/// Block calls nest at most this deep.
constexpr int kMaxBlockDepth = 64;

/// Checks the program and marks training-only statements. Reports the first
/// error through the diagnostic engine.
llvm::LogicalResult checkProgram(Program &program, const SourceFile &file);

/// What a callee (built-in op, optimizer or block) takes.
struct Signature {
  std::vector<llvm::StringRef> names;
  std::vector<bool> required;
  std::vector<Kind> kinds;
  bool variadic = false;  ///< Every positional is an input tensor (concat).
  bool allowName = false; ///< Accepts `name="..."` (layers and blocks).
  llvm::StringRef example;
};
Signature signatureOf(const BuiltinSpec &spec);
Signature signatureOf(const Definition &block);
Kind kindOf(Param::Kind kind);

/// The call's arguments matched to a parameter list.
struct MatchedArgs {
  std::vector<const Expr *> slots; ///< One per parameter; null: the default.
  std::vector<const Expr *> rest;  ///< Extra positionals of a variadic op.
  const Expr *name = nullptr;      ///< The `name="..."` argument, if any.
};

/// Matches `call`'s positional and keyword arguments to the signature.
/// Reports unknown, repeated and surplus arguments; missing ones are
/// Sema's to report, after it has checked the kinds of those given.
std::optional<MatchedArgs> matchArguments(const SourceFile &file,
                                          const Expr &call,
                                          const Signature &sig);

} // namespace dlc

#endif // DLC_FRONTEND_SEMA_H
