//===- Passes.td - Conversions out of the dl dialect -------*- tablegen -*-===//

#ifndef DLC_CONVERSION_PASSES_TD
#define DLC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertDLToLinalg : Pass<"convert-dl-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower inference-mode dl ops to linalg on tensors";
  let description = [{
    Convolutions become `linalg.conv_2d_nchw_fchw` (or the grouped
    `conv_2d_ngchw_gfchw`) on a zero-padded input, dense layers
    `linalg.matmul_transpose_b`, pooling `linalg.pooling_nchw_max|sum`, and
    everything element-wise or reducing a `linalg.generic`. Bias is the
    accumulator's initial value. The batch dimension stays dynamic.
    Training-mode ops (batchnorm on batch statistics, active dropout) and
    losses are left to the training pipeline and make this pass fail.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def WindowLoopOrder : Pass<"dlc-window-loop-order", "mlir::func::FuncOp"> {
  let summary = "Put the output's spatial loops innermost in convolutions and pools";
  let description = [{
    A named convolution or pooling op iterates (n, f, oh, ow, c, kh, kw):
    its innermost loop is a reduction over a few kernel taps, which does not
    vectorise. This pass generalises those ops and interchanges their loops
    to (n, f, c, kh, kw, oh, ow), so the innermost loop sweeps a contiguous
    output row, multiplying by one weight: vector loads, FMAs, vector
    stores, with each output plane kept in cache across the reduction.
    Stride-1 convolutions with long rows are tiled into register blocks of
    4 (or 2) channels x 32 (or 16) pixels of a row, the (c, kh, kw) loops
    innermost and each step vectorised on rank-reduced slices.
    Convolutions with short rows instead become im2col and a contraction
    tiled into register blocks of 4 (or 2) channels x 32 (or 16) pixels,
    each vectorised.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def HoistAccumulators : Pass<"dlc-hoist-accumulators", "mlir::func::FuncOp"> {
  let summary = "Keep vector accumulators in registers across reduction loops";
  let description = [{
    After bufferisation, a register-blocked tile reads and writes its
    accumulator in every iteration of the reduction loop. This hoists those
    transfers out of the loop (linalg's hoistRedundantVectorTransfers), so
    the accumulator is a loop-carried vector: one load and one store per
    tile instead of one per step.
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect"];
}

#endif // DLC_CONVERSION_PASSES_TD
