//===- Passes.td - CPU code generation on linalg and loops -*- tablegen -*-===//
//
// Passes that schedule linalg for the CPU's vector units and registers and
// keep LLVM's compile time in check; the conversions they sit between are
// upstream's, listed in compiler/Pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_CPU_PASSES_TD
#define DLC_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def WindowLoopOrder : Pass<"dlc-window-loop-order", "mlir::func::FuncOp"> {
  let summary = "Schedule convolutions, pools and weight gradients for "
                "vector FMAs on the CPU";
  let description = [{
    A named convolution or pooling op iterates (n, f, oh, ow, c, kh, kw):
    its innermost loop is a reduction over a few kernel taps, which does not
    vectorise. This pass rewrites each such op, with register blocks of 4
    (or 2) output channels x 2 (or 1) vectors of `lanes` pixels:
    - a stride-1 convolution whose rows hold at least two vectors (and a
      whole number of them) is tiled into register blocks of one output
      row, the (c, kh, kw) loops innermost and each step vectorised on
      rank-reduced slices (views after bufferisation);
    - any other convolution becomes im2col ([N, C*KH*KW, OH*OW], the batch
      kept dynamic) and a contraction whose whole vectors of pixels are
      register-blocked the same way, a remainder contracted plainly;
    - a row-major matrix product C[m, n...] += A[m, k] B[k, n...] (a
      convolution's weight gradient, k = N*OH*OW) has its column loops
      collapsed, its reduction in cache blocks of 256 steps (outermost) and
      register blocks along the columns, each C element summing in order;
    - pools, grouped convolutions and what the above cannot take are
      generalised with their loops interchanged to (n, f, c, kh, kw, oh, ow),
      the output row innermost, for LLVM's vectoriser.
    dlc-hoist-accumulators then keeps each block's accumulator in registers.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "f32 lanes of the target's vectors: 16 with AVX-512, 8 with AVX, "
           "4 with SSE">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def HoistAccumulators : Pass<"dlc-hoist-accumulators", "mlir::func::FuncOp"> {
  let summary = "Keep vector accumulators in registers across reduction loops";
  let description = [{
    After bufferisation, a register-blocked tile reads and writes its
    accumulator in every iteration of its reduction loops. When the tile's
    view and indices do not change in a loop and nothing else in it writes
    memory, the read moves before the loop and the write after it, repeated
    outwards through every reduction loop (c, kh, kw): the accumulator is a
    loop-carried vector, one load and one store per tile instead of one per
    step. (linalg's hoistRedundantVectorTransfers does the same for simpler
    views only.)
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect"];
}

def PrefetchWeights : Pass<"dlc-prefetch-weights", "mlir::func::FuncOp"> {
  let summary = "Prefetch the next register block's weights in each step "
                "of a block's reduction loop";
  let description = [{
    A register block's innermost reduction loop reads R consecutive rows of
    a [rows, k] weight matrix at its step: one weight per row (a view of
    R x 1 at the loop's column, broadcast) or one vector per row (a dense
    layer's dot products over a static reduction). When those weights
    stream from memory (small images; a dense layer at a small batch), R
    rows k apart are R short streams that the hardware prefetchers do not
    run ahead of. Each step therefore also prefetches into L2 the next
    block's rows at the step's column: row (step mod R) for one weight per
    row, all R rows for one vector per row. The last block of the matrix
    prefetches its own last row; a matrix of one block, nothing.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def OutlineKernels : Pass<"dlc-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Move each loop nest of the entry points into its own "
                "function, telling LLVM which of its buffers alias no other";
  let description = [{
    After bufferisation an entry point (@forward, @prepare, @train_step) is
    one loop nest (a linalg op or an scf.for nest) per layer, and every
    intermediate buffer is a view of one workspace (dlc-plan-workspace):
    LLVM cannot tell those views apart, so it keeps a matrix product's
    accumulator in memory and does not vectorise loops that write one view
    and read another. Each top-level op with regions becomes a private
    function called in its place, its free values (memrefs, scalars)
    passed as arguments, marked noinline so LLVM optimises the kernels one
    at a time (LLVM's loop passes grow faster than linearly with a
    function's size: ResNet-50's train step spent two of its 2.2 minutes of
    compilation in LoopRotate before). A memref argument whose buffer (an
    argument of the entry point, a planned view of the workspace, an
    allocation) no other argument shares is disjoint from the others: the
    entry points' arguments do not overlap (abi.h), and buffers that one
    op uses are alive together, so their places in the workspace are
    disjoint. Its aligned pointer is listed in the kernel's
    `dlc-noalias-params` LLVM attribute, which the translation to LLVM IR
    turns into a `noalias` parameter.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def OutlineParallelLoops : Pass<"dlc-outline-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Hand each top-level scf.forall of the entry points to the "
                "runtime's parallel-for";
  let description = [{
    After bufferisation, each entry point gets a last-but-workspace
    argument `!llvm.ptr` (`dl.parallel`): the runtime's `dlc_parallel`
    (abi.h). Each top-level `scf.forall` of an entry point (a layer's
    independent tiles) becomes a private part function
    `@<entry>_<k>_<layer>_part(%begin, %end, captured values...)` that runs
    the linearised iterations [begin, end) in order, and in the entry point
    a call of the declaration `@<part>_parallel(%parallel, %count,
    captured values...)`, which names the part in its
    `dl.parallel_part` attribute. dlc-plan-workspace then places the part's
    buffers (a tile's scratch) in the per-part scratch the runtime hands
    each thread, and dlc-lower-parallel-calls turns the call into one of
    the runtime's parallel_for. Only the loops' parallel dimensions are
    split, and every iteration runs as it would in order, so results do not
    depend on the number of threads.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect"];
}

def LowerParallelCalls : Pass<"dlc-lower-parallel-calls", "mlir::ModuleOp"> {
  let summary = "Call the runtime's parallel_for for each part function";
  let description = [{
    On the LLVM dialect, after the lowering of every other dialect: each
    call of a `dl.parallel_part` declaration stores its captured values in
    a struct on the stack and calls `parallel->parallel_for(parallel,
    count, task, &struct)`, where `task(args, begin, end, scratch)` is a new
    function that loads them and calls the part with its range and the
    part's scratch (a memref of `dl.scratch_size` bytes). The declarations
    go away.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // DLC_CODEGEN_CPU_PASSES_TD
