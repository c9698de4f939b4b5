//===- Outlining.h - Moving loop nests into functions of their own -*- C++ -*-===//
//
// dlc-outline-kernels (a layer's loop nest) and dlc-outline-parallel-loops
// (a parallel loop's iterations) both move code out of an entry point into
// a private function: its name, its arguments and what LLVM may assume of
// them are chosen here, once.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_CPU_OUTLINING_H
#define DLC_CODEGEN_CPU_OUTLINING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace dlc {

/// <function>_<index>_<layer><suffix>: the layer's name comes from the op's
/// location (the frontend's NameLoc), so profiles name the layer.
std::string kernelName(mlir::Operation *op, mlir::func::FuncOp parent,
                       unsigned index, llvm::StringRef suffix = "");

/// The values `op` uses from outside (operands and values its regions
/// capture), split into `constants`, which the outlined function clones so
/// that its loops keep constant bounds, and the others, returned: they
/// become its arguments.
llvm::SmallVector<mlir::Value>
capturedValues(mlir::Operation *op, llvm::SmallVectorImpl<mlir::Value> &constants);

/// A private, noinline function `name` of `types` (after `leading` index
/// arguments) inserted into `parent`'s symbol table before it (renamed if
/// taken). `args`, the values it is called with from `parent`, decide its
/// noalias parameters.
mlir::func::FuncOp createOutlined(mlir::OpBuilder &b, mlir::Location loc,
                                  llvm::StringRef name,
                                  mlir::func::FuncOp parent, unsigned leading,
                                  mlir::ValueRange args);

} // namespace dlc

#endif // DLC_CODEGEN_CPU_OUTLINING_H
