//===- Passes.td - Conversions out of the dl dialect -------*- tablegen -*-===//

#ifndef DLC_CONVERSION_PASSES_TD
#define DLC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertDLToLinalg : Pass<"convert-dl-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower every dl op (language and training ops) to linalg on tensors";
  let description = [{
    Convolutions become `linalg.conv_2d_nchw_fchw` (or the grouped
    `conv_2d_ngchw_gfchw`) on a zero-padded input, dense layers
    `linalg.matmul_transpose_b`, pooling `linalg.pooling_nchw_max|sum`, and
    everything element-wise or reducing a `linalg.generic`. Bias is the
    accumulator's initial value. The batch dimension stays dynamic. The
    training ops that dl-generate-train-step emits lower too: losses and
    their gradients, the backward of every layer (a convolution's input
    gradient as a convolution of the spread gradient with the flipped
    kernel; an ungrouped weight gradient as im2col and a matmul), batch
    statistics, dropout masks and the optimizer updates. Ops the frontend
    leaves for autodiff to rewrite (batchnorm with `training`, active
    dropout) make the pass fail.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // DLC_CONVERSION_PASSES_TD
