/*===- abi.h - The model descriptor: dlc's compiler/runtime contract ------===*
 *
 * A compiled model exports exactly one C symbol, `dlc_model_<network>` (or
 * the name given to `dlc --symbol=`), a function returning a pointer to a
 * dlc_model_v5 that lives as long as the library is loaded. The compiler
 * writes it (compiler/Target, which checks its LLVM layout against this
 * header at build time) and the runtime reads it (runtime/src); this header
 * is all they share. Plain C, no dependencies.
 *
 * Tensors cross this boundary as plain pointers to contiguous, row-major
 * (NCHW) data; shape[0] == -1 marks the batch, chosen at run time. The
 * tensors and the workspace handed to one call must not overlap one
 * another: the compiled code assumes they do not (train_step's params and
 * state are each one buffer, read and then updated in place).
 *===----------------------------------------------------------------------===*/

#ifndef DLRT_ABI_H
#define DLRT_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The descriptor's version, in the manner of dlpack.h:
 * - The major version changes with any change that an older reader cannot
 *   ignore: a field moved, removed or retyped, an entry point's signature
 *   or meaning changed. The struct is named after it (dlc_model_v<major>),
 *   and abi_major stays the first field in every major version, so any
 *   runtime can tell which one it is handed. A runtime loads only models of
 *   its own major version and refuses others with DLRT_ERROR_ABI.
 * - The minor version counts additions an older reader can safely ignore:
 *   fields appended at the end of the struct, new hyper-parameter names. A
 *   runtime reads a field added in minor m only from models whose abi_minor
 *   is >= m, and ignores fields newer than its own minor version. */
#define DLC_ABI_VERSION_MAJOR 5u
#define DLC_ABI_VERSION_MINOR 0u

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

/* Threads. The compiled code splits a layer's independent tiles into
 * iterations [0, count) and asks the runtime to run them:
 * parallel->parallel_for(parallel, count, task, args) calls
 * task(args, begin, end, scratch) on disjoint ranges that cover [0, count)
 * (from any threads, in any order) and returns when all have run. Each
 * range's `scratch` is scratch_size bytes (the descriptor's), aligned to
 * 64, uninitialised, used by no range running at the same time. Every
 * iteration computes the same values on any thread, so results do not
 * depend on how the runtime splits the range. A runtime without threads
 * calls task(args, 0, count, scratch) itself. */
typedef void (*dlc_task_fn)(void *args, int64_t begin, int64_t end,
                            void *scratch);
typedef struct dlc_parallel dlc_parallel;
struct dlc_parallel {
  void (*parallel_for)(const dlc_parallel *self, int64_t count,
                       dlc_task_fn task, void *args);
};

/* Runs inference on `batch` samples. inputs[i], params[i], prepared[i]
 * and outputs[i] point at the tensors of the descriptor's lists, in order;
 * outputs are written, the rest only read. prepared[] must hold what
 * prepare() computed from the same params. `workspace` holds
 * workspace_size(batch) bytes, aligned to 64, uninitialised (may be NULL
 * when that is 0): every intermediate lives there, so forward never
 * allocates. `parallel` (never NULL) runs its parallel loops. Returns 0 on
 * success. */
typedef int32_t (*dlc_forward_fn)(int64_t batch, void *const *inputs,
                                  void *const *params, void *const *prepared,
                                  void *const *outputs, void *workspace,
                                  const dlc_parallel *parallel);

/* Computes the prepared tensors (the descriptor's `prepared` list: weights
 * with inference batchnorm folded in, re-laid-out weights) from params.
 * Call it after every change of the parameters and before the next
 * forward. `workspace` holds workspace_size(1) bytes. Returns 0 on
 * success. */
typedef int32_t (*dlc_prepare_fn)(void *const *params, void *const *prepared,
                                  void *workspace,
                                  const dlc_parallel *parallel);

/* The scalars of one training step. */
typedef struct dlc_train_args {
  float lr;      /* this step's learning rate */
  int64_t step;  /* optimizer steps taken before this one (0 on the first) */
  uint64_t seed; /* dropout masks are a function of (seed, step) */
} dlc_train_args;

/* One optimizer step on `batch` samples: the forward pass in training mode
 * (batch statistics, dropout), the loss, the backward pass and the update.
 * Reads inputs and targets; updates params (the descriptor's list, running
 * statistics included) and state (its optimizer state list) in place, as
 * torch.optim does, after every read of their old values; writes *loss.
 * Returns 0 on success. */
typedef int32_t (*dlc_train_step_fn)(int64_t batch, void *const *inputs,
                                     void *const *targets, void *const *params,
                                     void *const *state,
                                     const dlc_train_args *args, float *loss,
                                     void *workspace,
                                     const dlc_parallel *parallel);

typedef struct dlc_model_v5 {
  uint32_t abi_major; /* DLC_ABI_VERSION_MAJOR of the compiler that wrote it */
  uint32_t abi_minor; /* DLC_ABI_VERSION_MINOR of that compiler */
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
  uint64_t scratch_size; /* bytes of each range's scratch (dlc_parallel) */
  dlc_forward_fn forward;
  dlc_train_step_fn train_step; /* NULL without a loss or when compiled
                                   with dlc --inference-only */
  const char *ptx; /* GPU models: the kernels' PTX; NULL on the CPU */
  /* Tensors derived from the parameters for forward, never saved in
   * checkpoints ("prepared.0", ...); prepare is NULL when there are none. */
  int32_t num_prepared;
  const dlc_tensor_info *prepared;
  dlc_prepare_fn prepare;
} dlc_model_v5;

typedef const dlc_model_v5 *(*dlc_model_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* DLRT_ABI_H */
