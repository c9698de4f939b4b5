//===- Winograd.h - F(2x2, 3x3) convolutions on the CPU ---------*- C++ -*-===//

#ifndef DLC_CODEGEN_CPU_WINOGRAD_H
#define DLC_CODEGEN_CPU_WINOGRAD_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
/// The result of `op`, dl.winograd_conv2d's reference form, computed as
/// the input transform, 16 register-blocked matrix products (vectors of
/// `lanes` f32) and the output transform; fails for shapes it does not
/// handle (dynamic channels or image sizes).
mlir::FailureOr<mlir::Value> convolveByWinograd(mlir::RewriterBase &rewriter,
                                                mlir::linalg::GenericOp op,
                                                int64_t lanes);
} // namespace dlc

#endif // DLC_CODEGEN_CPU_WINOGRAD_H
