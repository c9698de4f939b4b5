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

/// Writes the Keras-style summary of the module's @forward to `os`; fails
/// (with a diagnostic) when the module has no @forward.
LogicalResult printSummary(ModuleOp module, llvm::raw_ostream &os);

} // namespace mlir::dl

#endif // DLC_DIALECT_DL_TRANSFORMS_PASSES_H
