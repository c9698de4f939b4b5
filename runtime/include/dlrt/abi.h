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
#define DLC_ABI_VERSION 2u

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

/* The scalars of one training step. */
typedef struct dlc_train_args {
  float lr;      /* this step's learning rate */
  int64_t step;  /* optimizer steps taken before this one (0 on the first) */
  uint64_t seed; /* dropout masks are a function of (seed, step) */
} dlc_train_args;

/* One optimizer step on `batch` samples: the forward pass in training mode
 * (batch statistics, dropout), the loss, the backward pass and the update.
 * Reads inputs, targets, params (the descriptor's list) and state (its
 * optimizer state list); writes *loss, new_params (every entry of params,
 * running statistics included) and new_state. The new_* buffers must not
 * alias the old ones. Returns 0 on success. */
typedef int32_t (*dlc_train_step_fn)(int64_t batch, void *const *inputs,
                                     void *const *targets, void *const *params,
                                     void *const *state,
                                     const dlc_train_args *args, float *loss,
                                     void *const *new_params,
                                     void *const *new_state, void *workspace);

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
  /* Optimizer state, zeros before the first step: per trainable parameter
   * "optimizer.<param>.momentum_buffer" (SGD with momentum) or
   * "optimizer.<param>.exp_avg" and ".exp_avg_sq" (Adam, AdamW). */
  int32_t num_state;
  const dlc_tensor_info *state;
  /* The metric that fits the loss, comparing outputs[0] with targets[0]:
   * "accuracy" (cross_entropy), "dice" (dice, bce_with_logits), "psnr"
   * (mse, l1); "" without a loss. */
  const char *metric;
  uint64_t (*workspace_size)(int64_t batch);
  dlc_forward_fn forward;
  dlc_train_step_fn train_step; /* NULL without a loss or when compiled
                                   with dlc --inference-only */
  const char *ptx; /* GPU models: the kernels' PTX; NULL on the CPU */
} dlc_model_v1;

typedef const dlc_model_v1 *(*dlc_model_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* DLRT_ABI_H */
