//===- Passes.td - Passes on the dl dialect ---------------*- tablegen -*-===//

#ifndef DLC_DIALECT_DL_TRANSFORMS_PASSES_TD
#define DLC_DIALECT_DL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PrintSummary : Pass<"dl-print-summary", "mlir::ModuleOp"> {
  let summary = "Print a Keras-style table of the network's layers and parameters";
  let description = [{
    Reads `@forward`: one row per input and per dl op, with the layer's name
    (from its NameLoc), its output shape, its parameter count and its
    parameters' names; then the totals. `Total params` counts trainable
    parameters (`dl.param`), as PyTorch's `sum(p.numel() for p in
    model.parameters())` does; running statistics (`dl.buffer`) are listed
    separately. Prints to stdout and leaves the module unchanged.
  }];
}

def GenerateTrainStep : Pass<"dl-generate-train-step", "mlir::ModuleOp"> {
  let summary = "Differentiate @loss into @train_step: forward, loss, backward, optimizer update";
  let description = [{
    Reverse-mode automatic differentiation of the private `@loss`. The new
    public `@train_step(inputs, targets, params, state, lr, step, seed)`
    returns the loss, every parameter and buffer after the step, and the
    optimizer state after it. Training-mode batchnorm becomes batch
    statistics, normalisation and the running-statistics update; training
    dropout becomes a seeded mask. Each op's backward comes from its
    GradientOpInterface (DLGradients.cpp); the update follows the module's `dl.optimizer` with
    PyTorch's rules. A parameter that the loss does not reach is left as it
    is, as PyTorch skips parameters without a gradient. Without `@loss` the
    pass does nothing.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
  let options = [
    Option<"dropout", "dropout", "bool", /*default=*/"true",
           "Training dropout draws masks; false makes it the identity (for "
           "comparisons with frameworks whose random numbers differ)">
  ];
}

def FoldBatchNorm : Pass<"dl-fold-batchnorm", "mlir::ModuleOp"> {
  let summary = "Fold inference batchnorm into the convolution or dense layer "
                "before it";
  let description = [{
    An inference `dl.batchnorm` whose input is a `dl.conv2d` or `dl.dense`
    that nothing else reads becomes that layer with folded weights and bias
    (`dl.fold_batchnorm`, PyTorch's `fuse_conv_bn_weights`): the layer's
    epilogue no longer normalises, and the folded weights, which depend on
    parameters only, can be computed once (dl-outline-prepare). Training
    batchnorm, which uses the batch's statistics, is left alone.
  }];
}

def WinogradConvolutions : Pass<"dl-winograd-convolutions", "mlir::ModuleOp"> {
  let summary = "3x3 stride-1 convolutions by Winograd's F(2x2, 3x3)";
  let description = [{
    A `dl.conv2d` of `@forward` or `@train_step` with a 3 x 3 kernel, stride
    and dilation 1, one group, at least `min-channels` input and output
    channels and `min-pixels` output pixels becomes `dl.winograd_conv2d` of
    its input and `dl.winograd_filter` of its weight (Lavin and Gray 2016):
    16 multiplications per channel and 2 x 2 output block instead of 36. So
    does `@train_step`'s `dl.conv2d_grad_input` of such a convolution: the
    convolution of the output gradient with the transposed filter. Run it
    before dl-outline-prepare, which moves `@forward`'s filter transforms
    into `@prepare`.
  }];
  let options = [
    Option<"minChannels", "min-channels", "int64_t", /*default=*/"16",
           "The fewest input and output channels">,
    Option<"minPixels", "min-pixels", "int64_t", /*default=*/"49",
           "The fewest output pixels per image (a 7x7 image)">
  ];
}

def TransposeDenseWeights : Pass<"dl-transpose-dense-weights", "mlir::ModuleOp"> {
  let summary = "@forward's dense layers on weights transposed once to [K, F]";
  let description = [{
    A `dl.dense` of `@forward` whose outputs are a multiple of 16 and whose
    weight has at most `max-elements` elements becomes
    `dl.matmul` of its input and `dl.transpose` of its weight, with its
    bias: the product then runs along rows of the transposed weight (vectors
    of features) instead of as dot products along K. Run it before
    dl-outline-prepare, which moves the transpose into `@prepare`.
    `@train_step` is unchanged.
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"262144",
           "The largest weight (1 MiB of f32: one that stays in L2)">
  ];
}

def OutlinePrepare : Pass<"dl-outline-prepare", "mlir::ModuleOp"> {
  let summary = "Move what @forward computes from parameters alone into "
                "@prepare";
  let description = [{
    The dl ops of `@forward` whose operands are parameters (`dl.param`,
    `dl.buffer`) or derived from them only, such as folded batchnorm
    weights, move into a new public `@prepare(params) -> (prepared)`.
    `@forward` takes each result it still needs as an argument after the
    parameters, marked `dl.prepared = "prepared.<i>"`, and the module's
    `dl.prepared` attribute lists their names and types. The runtime calls
    `prepare` whenever parameters change (after loading, initialising or a
    training step), not at every forward. `@train_step` is unchanged: its
    parameters change at every step.
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

#endif // DLC_DIALECT_DL_TRANSFORMS_PASSES_TD
