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

#endif // DLC_DIALECT_DL_TRANSFORMS_PASSES_TD
