/*===- abi.h - The model descriptor: dlc's compiler/runtime contract ------===*
 *
 * A compiled model exports exactly one C symbol, `dlc_model_<network>` (or
 * the name given to `dlc --symbol=`), a function returning a pointer to a
 * dlc_model_v1 that lives as long as the library is loaded. The compiler
 * writes it (compiler/Target) and the runtime reads it (runtime/src); this
 * header is all they share. Plain C, no dependencies.
 *
 * Tensors cross this boundary as plain pointers to contiguous, row-major
 * (NCHW) data; shape[0] == -1 marks the batch, chosen at run time.
 *===----------------------------------------------------------------------===*/

#ifndef DLRT_ABI_H
#define DLRT_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any change to the structs below or the entry points' meaning. */
#define DLC_ABI_VERSION 1u

typedef enum { DLC_F32 = 0, DLC_I32 = 1 } dlc_dtype;

/* How the runtime initialises a parameter, as PyTorch does by default:
 * Conv/Linear weights and biases U(-bound, bound) with bound =
 * 1/sqrt(fan_in) (kaiming_uniform_ with a = sqrt(5)); BatchNorm weight
 * and running_var ones, bias and running_mean zeros. */
typedef enum {
  DLC_INIT_UNIFORM = 0,
  DLC_INIT_ZEROS = 1,
  DLC_INIT_ONES = 2
} dlc_init;

typedef struct dlc_tensor_info {
  const char *name;     /* PyTorch's name: "layer1.0.conv1.weight" */
  int32_t dtype;        /* dlc_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries; -1: the batch */
  int32_t trainable;    /* parameters: 1 for weights, 0 for buffers */
  int32_t init;         /* parameters: dlc_init */
  float init_bound;     /* DLC_INIT_UNIFORM only */
} dlc_tensor_info;

typedef struct dlc_hyper_parameter {
  const char *name; /* "lr", "momentum", ... as in PyTorch */
  double value;
} dlc_hyper_parameter;

/* Runs inference on `batch` samples. inputs[i], params[i] and outputs[i]
 * point at the tensors of the descriptor's lists, in order; outputs are
 * written, the rest only read. `workspace` holds workspace_size(batch)
 * bytes (may be NULL when that is 0). Returns 0 on success. */
typedef int32_t (*dlc_forward_fn)(int64_t batch, void *const *inputs,
                                  void *const *params, void *const *outputs,
                                  void *workspace);

typedef struct dlc_model_v1 {
  uint32_t abi_version; /* DLC_ABI_VERSION of the compiler that wrote it */
  const char *name;     /* the network's name */
  const char *target;   /* "cpu" (later "cuda:sm_90") */
  int32_t num_inputs;
  int32_t num_targets;
  int32_t num_outputs;
  int32_t num_params; /* trainable parameters and buffers, in order */
  const dlc_tensor_info *inputs;
  const dlc_tensor_info *targets;
  const dlc_tensor_info *outputs;
  const dlc_tensor_info *params;
  const char *optimizer; /* "sgd", "adam", "adamw", or "" without a loss */
  int32_t num_hyper_parameters;
  const dlc_hyper_parameter *hyper_parameters;
  uint64_t (*workspace_size)(int64_t batch);
  dlc_forward_fn forward;
  void *train_step; /* NULL until the compiler generates training */
  const char *ptx;  /* GPU models: the kernels' PTX; NULL on the CPU */
} dlc_model_v1;

typedef const dlc_model_v1 *(*dlc_model_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* DLRT_ABI_H */
