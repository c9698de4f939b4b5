//===- MLIRGen.h - Expand a checked .net network into the dl dialect -*- C++ -*-===//

#ifndef DLC_FRONTEND_MLIRGEN_H
#define DLC_FRONTEND_MLIRGEN_H

#include "compiler/Frontend/AST.h"
#include "compiler/Frontend/Diagnostics.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace dlc {

/// Expands blocks, checks shapes and builds a module named after the
/// network with `@forward` (inference: inputs and parameters to outputs) and,
/// when the network has a loss, a private `@loss` (training mode: inputs, targets and
/// parameters to the scalar loss). Parameters are arguments named by
/// `dl.param` (trainable) or `dl.buffer` (running statistics), in PyTorch's
/// layouts. Reports the first error and returns null.
mlir::OwningOpRef<mlir::ModuleOp> generateModule(const Program &program,
                                                 const Definition &network,
                                                 const SourceFile &file);

/// Parses, checks and generates in one step: the network called `name`, or
/// the only one in the file when `name` is empty.
mlir::OwningOpRef<mlir::ModuleOp> compileNetFile(const SourceFile &file,
                                                 llvm::StringRef name);

} // namespace dlc

#endif // DLC_FRONTEND_MLIRGEN_H
