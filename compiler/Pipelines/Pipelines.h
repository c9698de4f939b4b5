//===- Pipelines.h - The one place that lists every pass in order -*- C++ -*-===//

#ifndef DLC_PIPELINES_PIPELINES_H
#define DLC_PIPELINES_PIPELINES_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace dlc {

struct PipelineOptions {
  /// Generate @train_step from @loss (else @loss is dropped).
  bool training = true;
  /// Training dropout draws masks (false: the identity, for comparisons).
  bool dropout = true;
};

/// Target-independent half: dl (as the frontend emits it) to optimised
/// linalg on tensors. With options.training, @loss becomes @train_step first
/// (autodiff and the optimizer); without it @loss is dropped. A GPU
/// pipeline starts from its result.
void buildDLToLinalgPipeline(mlir::OpPassManager &pm,
                             const PipelineOptions &options = {});

/// CPU half: linalg on tensors to the LLVM dialect (bufferisation with
/// results as out-parameters, loops, LLVM).
void buildLinalgToCPUPipeline(mlir::OpPassManager &pm);

/// Both halves: what `dlc --emit=obj|so` runs before translation to LLVM IR.
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const PipelineOptions &options = {});

/// `--dlc-to-linalg-pipeline` and `--dlc-cpu-pipeline` for dlc-opt.
void registerDLCPipelines();

} // namespace dlc

#endif // DLC_PIPELINES_PIPELINES_H
