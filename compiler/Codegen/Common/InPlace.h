//===- InPlace.h - Elementwise ops that update an input in place -*- C++ -*-===//
//
// Shared by the passes that make an elementwise linalg.generic write into
// one of the tensors it reads (dlc-fuse-epilogues, dlc-update-in-place).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_COMMON_INPLACE_H
#define DLC_CODEGEN_COMMON_INPLACE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace dlc {

/// True when every loop of `op` is parallel and every operand is read or
/// written through a projected permutation: one element at a time.
bool isElementwise(mlir::linalg::LinalgOp op);

/// Whether result `result` of `op` can take the tensor that `input` reads as
/// its output: `input` is read through the same indexing map as that
/// result, and the payload never reads the result's current output.
bool canWriteInto(mlir::linalg::GenericOp op, mlir::OpOperand *input,
                  unsigned result);

/// Replaces `op` with a generic that writes result `result` into the tensor
/// that `input` reads, reading the old value from that output instead
/// (canWriteInto must hold). Returns the new op.
mlir::linalg::GenericOp writeInto(mlir::RewriterBase &b,
                                  mlir::linalg::GenericOp op,
                                  mlir::OpOperand *input, unsigned result);

} // namespace dlc

#endif // DLC_CODEGEN_COMMON_INPLACE_H
