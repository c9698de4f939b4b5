//===- Passes.td - Code generation shared by every target -*- tablegen -*-===//
//
// Passes on linalg and memrefs that know nothing of the target: the CPU
// pipeline runs them today and the GPU pipeline will run the same ones.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_COMMON_PASSES_TD
#define DLC_CODEGEN_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

def PlanWorkspace : Pass<"dlc-plan-workspace", "mlir::ModuleOp"> {
  let summary = "Place every buffer of the entry points in one caller-owned "
                "workspace, reusing memory by liveness";
  let description = [{
    After bufferisation each intermediate of a public function (@forward,
    @train_step) is a `memref.alloc`: a malloc and a free at run time. This
    pass gives each public function a last argument, `memref<?xi8>
    {dl.workspace}`, and turns each `memref.alloc` of its body into a
    `memref.view` of it at an offset chosen at compile time:
    - a buffer lives from its alloc to the last op that uses it or a view
      of it; buffers whose lives do not overlap share memory (greedy by
      size, largest first, as TFLite's and XLA's planners do);
    - sizes may depend on the batch (one dynamic dimension, the batch of an
      argument), so the workspace holds a fixed part, offsets known
      constants, then a part per sample, offsets that scale with it;
    - a buffer that is only copied into an output argument at the end
      becomes that argument: the result is computed in place;
    - a fixed-size buffer allocated in a loop's body (a tile's scratch)
      that no iteration yields moves out of the loop: the iterations share
      it.
    The pass adds `func.func @workspace_size(%batch: index) -> index`, the
    exact number of bytes every entry point needs (the largest), which the
    model's descriptor exports. Offsets and sizes are multiples of
    `alignment` bytes; the caller's workspace must be aligned to it.
    Allocations it cannot place (yielded by loops, with sizes that are not
    a multiple of the batch) are left as they are.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Alignment in bytes of every buffer in the workspace">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

def FuseEpilogues : Pass<"dlc-fuse-epilogues", "mlir::func::FuncOp"> {
  let summary = "Run each convolution, transposed convolution or dense layer "
                "and its elementwise epilogue as one tiled loop nest";
  let description = [{
    An elementwise `linalg.generic` (bias, batchnorm, activation, residual
    add) that is the only reader of a reduction's result (convolution,
    matmul, pooling) first takes that result as its output, in place; then
    it is tiled, one sample and as many rows as fit in `tile-bytes` per
    tile, and the reduction and its initialisation are fused into the tile
    loops. The un-activated result never exists beyond one tile, which stays
    in cache while the epilogue runs. When the epilogue reads another tensor
    element for element that no later op reads (a residual block's identity
    shortcut, at inference), it writes into that tensor instead and the
    reduction goes to a tile-sized scratch: the block needs no buffer of
    its own. A tile of an image holds at least
    `min-pixels` pixels (the whole image when it has fewer): narrower tiles
    starve the convolution's vector loops. An image with fewer than
    `min-tiles` such tiles (a 7x7 or 14x14 one) is split along its channels
    too, in blocks of a multiple of 16 channels, so that threads can share
    one sample's layer. The tile loop is an `scf.forall`: its tiles are
    independent. Producers of a reduction's inputs (padding, the previous
    layer) are not fused: they would be recomputed for every tile.
  }];
  let options = [
    Option<"tileBytes", "tile-bytes", "int64_t", /*default=*/"65536",
           "Largest tile of a layer's result, in bytes">,
    Option<"minPixels", "min-pixels", "int64_t", /*default=*/"64",
           "Fewest pixels in a tile of an image (whole rows; the whole image "
           "when it has fewer), whatever its bytes">,
    Option<"minTiles", "min-tiles", "int64_t", /*default=*/"4",
           "Fewest tiles per image, reached by splitting channels when rows "
           "alone give fewer">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def PadInPlace : Pass<"dlc-pad-in-place", "mlir::func::FuncOp"> {
  let summary = "Layers write their results into the interior of the next "
                "convolution's zero-padded input";
  let description = [{
    A convolution's padding is a `linalg.fill` of a `tensor.empty` and a
    `tensor.insert_slice` of its input into it. When that input was computed
    into a `tensor.empty` (through tile loops and destinations), this pass
    makes the layer compute into an `extract_slice` of a fresh padded
    tensor (`bufferization.alloc_tensor`, which CSE keeps apart) instead,
    so that bufferisation writes the result in place inside the padding
    and no padded copy is left. The network's own inputs are
    still copied once.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def UpdateInPlace : Pass<"dlc-update-in-place", "mlir::func::FuncOp"> {
  let summary = "Write each updated parameter and optimizer state into its "
                "own argument, as torch.optim does";
  let description = [{
    A result that carries the same interface attribute as an argument
    (`dl.param`, `dl.buffer` or `dl.state` with the same name: the new
    value of that tensor, as @train_step returns it) is materialised in
    that argument (`bufferization.materialize_in_destination`). When it is
    computed by an elementwise `linalg.generic` that reads the argument
    element for element (the optimizer's update, the running statistics),
    the generic takes the argument as its output and reads the old value
    from there, so bufferisation computes the update in place: one-shot
    analysis keeps it in place when every other read of the argument comes
    first, and copies otherwise. After bufferisation every such result is
    its argument, and `drop-equivalent-buffer-results` removes it: the
    step needs no second copy of the parameters and optimizer state.
    An elementwise update of a large parameter is then tiled into an
    `scf.forall` over tiles of whole rows (about 64 KB), so that the
    threads share it out.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // DLC_CODEGEN_COMMON_PASSES_TD
