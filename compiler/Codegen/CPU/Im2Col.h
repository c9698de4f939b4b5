//===- Im2Col.h - Small convolutions as im2col + a contraction --*- C++ -*-===//

#ifndef DLC_CODEGEN_CPU_IM2COL_H
#define DLC_CODEGEN_CPU_IM2COL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
/// The convolution's result computed as im2col + a contraction whose
/// innermost loop runs over the output pixels, register-blocked for vectors
/// of `lanes` f32; fails for shapes it does not handle (a dynamic channel
/// count or weight).
mlir::FailureOr<mlir::Value>
convolveByIm2Col(mlir::RewriterBase &rewriter,
                 mlir::linalg::Conv2DNchwFchwOp conv, int64_t lanes);
} // namespace dlc

#endif // DLC_CODEGEN_CPU_IM2COL_H
