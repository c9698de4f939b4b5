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

#endif // DLC_DIALECT_DL_TRANSFORMS_PASSES_TD
