//===- Passes.h - Passes on the dl dialect ----------------------*- C++ -*-===//

#ifndef DLC_DIALECT_DL_TRANSFORMS_PASSES_H
#define DLC_DIALECT_DL_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::dl {

#define GEN_PASS_DECL
#include "compiler/Dialect/DL/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Dialect/DL/Transforms/Passes.h.inc"

/// Emits, at `b`'s insertion point, the backward of `op`: given the
/// gradients of its results (null where a result has none), sets the
/// gradient of each operand whose `needed` entry is true (null if it gets
/// none). Fails with a diagnostic on an op that has no backward rule.
LogicalResult emitBackward(Operation *op, ArrayRef<Value> resultGrads,
                           ArrayRef<bool> needed, OpBuilder &b,
                           SmallVectorImpl<Value> &operandGrads);

/// Writes the Keras-style summary of the module's @forward to `os`; fails
/// (with a diagnostic) when the module has no @forward.
LogicalResult printSummary(ModuleOp module, llvm::raw_ostream &os);

} // namespace mlir::dl

#endif // DLC_DIALECT_DL_TRANSFORMS_PASSES_H
