//===- Pipelines.h - The one place that lists every pass in order -*- C++ -*-===//

#ifndef DLC_PIPELINES_PIPELINES_H
#define DLC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace dlc {

/// What dlc's flags choose; the registered pipelines take the same options
/// (`dlc-opt --dlc-cpu-pipeline='training=false cpu=x86-64-v3'`).
struct PipelineOptions : mlir::PassPipelineOptions<PipelineOptions> {
  Option<bool> training{
      *this, "training",
      llvm::cl::desc("Generate @train_step from @loss (false: "
                     "drop @loss; dlc --inference-only)"),
      llvm::cl::init(true)};
  Option<bool> dropout{*this, "dropout",
                       llvm::cl::desc("Training dropout draws masks (false: "
                                      "the identity; dlc "
                                      "--train-without-dropout)"),
                       llvm::cl::init(true)};
  Option<bool> fusion{*this, "fusion",
                      llvm::cl::desc("Each layer runs as one tiled loop nest "
                                     "with its elementwise epilogue (false: "
                                     "dlc --no-fusion)"),
                      llvm::cl::init(true)};
  Option<bool> winograd{
      *this, "winograd",
      llvm::cl::desc("@forward's 3x3 stride-1 convolutions by Winograd's "
                     "F(2x2, 3x3) (false: the direct forms; dlc "
                     "--no-winograd)"),
      llvm::cl::init(true)};
  Option<std::string> cpu{*this, "cpu",
                          llvm::cl::desc("Target CPU, an LLVM name such as "
                                         "x86-64-v3 (default: this "
                                         "machine's; dlc --cpu)")};
};

/// Target-independent half: dl (as the frontend emits it) to optimised
/// linalg on tensors. With options.training, @loss becomes @train_step first
/// (autodiff and the optimizer); without it @loss is dropped. A GPU
/// pipeline starts from its result.
void buildDLToLinalgPipeline(mlir::OpPassManager &pm,
                             const PipelineOptions &options);

/// CPU half: linalg on tensors to the LLVM dialect (vector tiles for
/// options.cpu, bufferisation with results as out-parameters, loops,
/// LLVM). Fails, with `error` set, for an unknown CPU.
llvm::LogicalResult buildLinalgToCPUPipeline(mlir::OpPassManager &pm,
                                             const PipelineOptions &options,
                                             std::string &error);

/// Both halves: what `dlc --emit=llvm-dialect|llvm|obj|so` runs before
/// translation to LLVM IR.
llvm::LogicalResult buildCPUPipeline(mlir::OpPassManager &pm,
                                     const PipelineOptions &options,
                                     std::string &error);

/// `--dlc-to-linalg-pipeline`, `--dlc-linalg-to-cpu-pipeline` and
/// `--dlc-cpu-pipeline` for dlc-opt, each with the options above.
void registerDLCPipelines();

} // namespace dlc

#endif // DLC_PIPELINES_PIPELINES_H
