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
      becomes that argument: the result is computed in place.
    The pass adds `func.func @workspace_size(%batch: index) -> index`, the
    exact number of bytes every entry point needs (the largest), which the
    model's descriptor exports. Offsets and sizes are multiples of
    `alignment` bytes; the caller's workspace must be aligned to it.
    Allocations it cannot place (inside loops, with sizes that are not a
    multiple of the batch) are left as they are.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Alignment in bytes of every buffer in the workspace">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // DLC_CODEGEN_COMMON_PASSES_TD
