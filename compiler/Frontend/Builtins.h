//===- Builtins.h - The ops and optimizers of the .net language -*- C++ -*-===//
//
// One table says what each built-in takes: Sema checks calls against it and
// MLIRGen reads arguments through it, so the two never disagree.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTEND_BUILTINS_H
#define DLC_FRONTEND_BUILTINS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace dlc {

/// What an argument or value is, statically.
enum class Kind { Tensor, Loss, Int, Float, Bool, String };
llvm::StringRef describe(Kind kind);
/// Whether a value of kind `actual` may be passed where `expected` is asked.
bool accepts(Kind expected, Kind actual);

struct ArgSpec {
  llvm::StringRef name;
  Kind kind;
  /// Default value; none means the argument is required. Booleans use 0/1.
  std::optional<double> defaultValue;
  /// When set, the default is the value of this other argument (pool stride).
  llvm::StringRef defaultFrom = {};
};

struct BuiltinSpec {
  llvm::StringRef name;
  std::vector<ArgSpec> args;
  enum Role { Layer, Loss, Optimizer } role = Layer;
  bool hasParams = false;  ///< Owns weights: a named layer.
  bool variadic = false;   ///< concat: every positional is a tensor.
  llvm::StringRef example; ///< A correct call, for notes.
};

/// The op or optimizer called `name`, or null.
const BuiltinSpec *lookupOp(llvm::StringRef name);
const BuiltinSpec *lookupOptimizer(llvm::StringRef name);
/// Every op name, for "did you mean" suggestions.
std::vector<llvm::StringRef> allOpNames();
std::vector<llvm::StringRef> allOptimizerNames();

} // namespace dlc

#endif // DLC_FRONTEND_BUILTINS_H
