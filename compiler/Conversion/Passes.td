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
  let summary = "Schedule convolutions and pools for vector FMAs on the CPU";
  let description = [{
    A named convolution or pooling op iterates (n, f, oh, ow, c, kh, kw):
    its innermost loop is a reduction over a few kernel taps, which does not
    vectorise. This pass rewrites each such op:
    - a stride-1 convolution with rows of at least 32 pixels (a multiple of
      16) is tiled into register blocks of 4 (or 2) output channels x 32 (or
      16) pixels of a row, the (c, kh, kw) loops innermost and each step
      vectorised on rank-reduced slices (views after bufferisation);
    - any other convolution becomes im2col ([N, C*KH*KW, OH*OW], the batch
      kept dynamic) and a contraction whose whole 16-pixel blocks are tiled
      and vectorised the same way, a remainder contracted plainly;
    - pools, grouped convolutions and what the above cannot take are
      generalised with their loops interchanged to (n, f, c, kh, kw, oh, ow),
      the output row innermost, for LLVM's vectoriser.
    dlc-hoist-accumulators then keeps each block's accumulator in registers.
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

def OutlineKernels : Pass<"dlc-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Move each loop nest of the training step into its own function";
  let description = [{
    After bufferisation a network is one function holding one loop nest (a
    linalg op or an scf.for nest) per layer; the training step holds three
    per layer. LLVM's loop passes grow faster than linearly with a
    function's size (ResNet-50's train step spent two of its 2.2 minutes of
    compilation in LoopRotate; 32 s in all once outlined), so in the
    function `function`, when it has more than `min-kernels` loop nests,
    each top-level op with regions becomes a private function called in its
    place, its free values (memrefs, scalars) passed as arguments, marked
    noinline so LLVM optimises the kernels one at a time. @forward stays
    whole: LLVM vectorises its loops better knowing where every buffer
    comes from (ResNet-18 ran 25 % slower outlined).
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"train_step\"",
           "The function whose loop nests are outlined">,
    Option<"minKernels", "min-kernels", "unsigned", /*default=*/"64",
           "Outline only when the function has more loop nests than this">
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

#endif // DLC_CONVERSION_PASSES_TD
