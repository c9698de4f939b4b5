//===- ModelInterface.h - What a compiled model tells its runtime -*- C++ -*-===//

#ifndef DLC_TARGET_MODELINTERFACE_H
#define DLC_TARGET_MODELINTERFACE_H

#include "runtime/include/dlrt/abi.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace dlc {

/// One tensor crossing the ABI: what the descriptor writer turns into a
/// dlc_tensor_info (abi.h).
struct TensorSpec {
  std::string name;
  dlc_dtype dtype = DLC_F32;
  std::vector<int64_t> shape; ///< -1 for the batch.
  bool trainable = false;
  dlc_init init = DLC_INIT_ZEROS;
  float bound = 0; ///< DLC_INIT_UNIFORM's bound.
};

/// The network's interface, read from the dl module before lowering.
struct ModelInterface {
  std::string name;
  std::vector<TensorSpec> inputs, targets, outputs, params;
  std::vector<TensorSpec> state; ///< Optimizer state (with a loss only).
  /// Derived from the parameters for @forward (dl-outline-prepare).
  std::vector<TensorSpec> prepared;
  std::string metric;            ///< "accuracy", "dice", "psnr" or "".
  std::string optimizer;
  std::vector<std::pair<std::string, double>> hyperParameters;
};

/// Reads names, shapes and PyTorch's default initialisation of every
/// parameter from @forward (and targets from @loss); fails with a
/// diagnostic when the module has no @forward.
mlir::FailureOr<ModelInterface> extractInterface(mlir::ModuleOp module);

/// The prepared tensors that the pipeline listed on the module (dl.prepared),
/// read after lowering.
std::vector<TensorSpec> preparedTensors(mlir::ModuleOp module);

} // namespace dlc

#endif // DLC_TARGET_MODELINTERFACE_H
