/*===- dlrt.h - The dlc runtime: a C ABI over compiled models -------------===*
 *
 * Every fallible call returns a dlrt_status; on failure dlrt_last_error()
 * says what and names the tensor or the file. No call aborts or throws.
 * Ownership is stated per function: "caller-owned" memory is allocated and
 * freed by the caller; "runtime-owned" memory lives until the object that
 * holds it is destroyed. Destroy functions accept NULL.
 *
 * Threads. Any call may be made from any thread, and calls on different
 * models never interfere. On one model, calls that only read it may run at
 * the same time as each other: dlrt_model_forward, dlrt_model_descriptor,
 * dlrt_model_step, dlrt_model_seed, dlrt_model_metadata, and
 * dlrt_model_save / dlrt_model_save_checkpoint to different paths. A call
 * that changes the model (dlrt_model_init, _load, _load_checkpoint,
 * _train_step, _set_seed, _set_threads, _set_metadata, writing through
 * dlrt_model_parameter's pointer, _destroy) needs the model to itself: no
 * other call on that model may run meanwhile. dlrt_last_error() is per
 * thread. The version and array functions share no state.
 *
 * Versions. DLRT_VERSION_* (dlrt/version.h) are the release this header
 * belongs to; dlrt_version() tells the library actually loaded. The
 * library's soname (libdlrt.so.N) changes when a call here changes
 * incompatibly; calls are only added within one soname.
 *===----------------------------------------------------------------------===*/

#ifndef DLRT_DLRT_H
#define DLRT_DLRT_H

#include "dlrt/abi.h"
#include "dlrt/version.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The runtime exports these functions and nothing else. */
#define DLRT_API __attribute__((visibility("default")))

typedef enum dlrt_status {
  DLRT_OK = 0,
  DLRT_ERROR_IO = 1,       /* a file cannot be opened, read or written */
  DLRT_ERROR_FORMAT = 2,   /* a file is truncated or not what it claims */
  DLRT_ERROR_ABI = 3,      /* the model was compiled for another ABI */
  DLRT_ERROR_NAME = 4,     /* a tensor is missing, unknown or duplicated */
  DLRT_ERROR_SHAPE = 5,    /* a tensor has the wrong shape */
  DLRT_ERROR_DTYPE = 6,    /* a tensor has the wrong element type */
  DLRT_ERROR_ARGUMENT = 7, /* a NULL pointer, a batch < 1, ... */
  DLRT_ERROR_MODEL = 8,    /* the model's code reported a failure */
  DLRT_ERROR_MEMORY = 9    /* out of memory, or no thread could be started */
} dlrt_status;

typedef struct dlrt_version_info {
  int32_t major, minor, patch;   /* the runtime's release */
  uint32_t abi_major, abi_minor; /* the model ABI it reads (abi.h) */
} dlrt_version_info;

/* The loaded library's version, and the model descriptor ABI it reads:
 * models of abi_major and any minor version load. */
DLRT_API dlrt_version_info dlrt_version(void);

/* The message of the calling thread's last failed call ("" if none).
 * Runtime-owned; valid until the thread's next dlrt call. */
DLRT_API const char *dlrt_last_error(void);
DLRT_API const char *dlrt_status_name(dlrt_status status);

/*--- Models ---------------------------------------------------------------*/

typedef struct dlrt_model dlrt_model;

/* Opens a compiled model. `symbol` names its entry (NULL: the library's one
 * exported dlc_model_* symbol). Parameters start initialised as PyTorch does
 * by default, from seed 0 (see dlrt_model_init). */
DLRT_API dlrt_status dlrt_model_open(const char *path, const char *symbol,
                            dlrt_model **out);
/* The same for a model linked into the program: its descriptor directly. */
DLRT_API dlrt_status dlrt_model_from_descriptor(const dlc_model_v5 *descriptor,
                                                dlrt_model **out);
DLRT_API void dlrt_model_destroy(dlrt_model *model);

/* Runtime-owned; lives as long as the model. */
DLRT_API const dlc_model_v5 *dlrt_model_descriptor(const dlrt_model *model);

/* Re-initialises every parameter from `seed`: Kaiming-uniform weights and
 * uniform biases (bound 1/sqrt(fan_in)), BatchNorm weight and running_var
 * 1, bias and running_mean 0. The same seed gives the same values. Also
 * starts training afresh: optimizer state zero, step 0, dropout seed `seed`. */
DLRT_API dlrt_status dlrt_model_init(dlrt_model *model, uint64_t seed);

/* The parameter or buffer called `name`: runtime-owned f32 data of
 * *count elements, writable. The next forward recomputes what it derives
 * from the parameters (prepared tensors): after writing through a pointer
 * that was handed out before a forward, call this again before the next. */
DLRT_API dlrt_status dlrt_model_parameter(dlrt_model *model, const char *name,
                                 float **data, size_t *count);

/* Loads every parameter and buffer from a safetensors file with PyTorch's
 * names and layouts (a state_dict saved with safetensors). BatchNorm's
 * num_batches_tracked counters are accepted and ignored; any other missing
 * or extra tensor, wrong shape or dtype is an error and changes nothing. */
DLRT_API dlrt_status dlrt_model_load(dlrt_model *model, const char *path);
/* Saves every parameter and buffer as safetensors, atomically (a temporary
 * file renamed over `path`). */
DLRT_API dlrt_status dlrt_model_save(const dlrt_model *model, const char *path);

/* Training ------------------------------------------------------------- */

/* One optimizer step on `batch` samples (the last batch of an epoch may be
 * smaller): forward in training mode, loss, backward, and the update of
 * every parameter, running statistic and optimizer state with the
 * optimizer compiled into the model. inputs[i] and targets[i] are laid out
 * as for dlrt_model_forward; *loss (may be NULL) receives the batch's loss.
 * Parameters move to new buffers: pointers from dlrt_model_parameter are
 * valid until the next step or load. Fails with DLRT_ERROR_MODEL for a
 * model compiled without training. */
DLRT_API dlrt_status dlrt_model_train_step(dlrt_model *model, int64_t batch,
                                           const void *const *inputs,
                                           const void *const *targets,
                                           float lr, float *loss);
/* Optimizer steps taken (restored by dlrt_model_load_checkpoint). */
DLRT_API int64_t dlrt_model_step(const dlrt_model *model);
/* The seed of dropout's masks (default 0; set by dlrt_model_init too;
 * restored by dlrt_model_load_checkpoint). */
DLRT_API dlrt_status dlrt_model_set_seed(dlrt_model *model, uint64_t seed);
DLRT_API uint64_t dlrt_model_seed(const dlrt_model *model);

/* String metadata kept in checkpoints (epoch, schedule, ...); `value` NULL
 * removes `key`. dlrt_model_metadata returns NULL for an unknown key; the
 * pointer is valid until the key changes. */
DLRT_API dlrt_status dlrt_model_set_metadata(dlrt_model *model,
                                             const char *key,
                                             const char *value);
DLRT_API const char *dlrt_model_metadata(const dlrt_model *model,
                                         const char *key);

/* A full checkpoint: parameters, buffers and optimizer state (as
 * "optimizer.<param>.<state>") in one safetensors file whose __metadata__
 * holds the step, the seed and the metadata above; written atomically.
 * Loading one restores all of it, or fails and changes nothing. */
DLRT_API dlrt_status dlrt_model_save_checkpoint(const dlrt_model *model,
                                                const char *path);
DLRT_API dlrt_status dlrt_model_load_checkpoint(dlrt_model *model,
                                                const char *path);

/* Elements of the descriptor tensor `info` for `batch` samples. */
DLRT_API int64_t dlrt_tensor_elements(const dlc_tensor_info *info, int64_t batch);

/* Threads for forward: the batch is split into that many contiguous parts
 * run at once (inference treats samples independently, so results do not
 * change). 0, the default, means one per processor. */
DLRT_API dlrt_status dlrt_model_set_threads(dlrt_model *model, int32_t threads);

/* Runs inference on `batch` samples. inputs[i] (caller-owned, read) holds
 * dlrt_tensor_elements(&inputs[i], batch) values of the descriptor's i-th
 * input; outputs[i] (caller-owned, written) room for the i-th output. An
 * output that overlaps an input or another output is an error. */
DLRT_API dlrt_status dlrt_model_forward(dlrt_model *model, int64_t batch,
                               const void *const *inputs,
                               void *const *outputs);

/*--- Arrays: .npy and .npz ------------------------------------------------*/

typedef struct dlrt_array {
  char *name;       /* the .npz entry or the .npy file name, without ".npy" */
  int32_t dtype;    /* DLC_F32 or DLC_I32 */
  int32_t rank;
  int64_t shape[8];
  void *data;       /* contiguous row-major */
} dlrt_array;

/* Reads a .npy file into one array. float64 becomes f32, int64/int8/uint8
 * become i32 (values must fit). The runtime allocates *out, its name and
 * its data; they belong to the caller, who releases all three with
 * dlrt_arrays_free(*out, 1) and must not free them otherwise. */
DLRT_API dlrt_status dlrt_npy_read(const char *path, dlrt_array **out);
/* Reads every array of a .npz (stored or deflated), in archive order:
 * *count arrays at *out, the caller's to release with
 * dlrt_arrays_free(*out, *count). */
DLRT_API dlrt_status dlrt_npz_read(const char *path, dlrt_array **out, size_t *count);
/* Writes arrays (caller-owned, only read) to a .npz, atomically. */
DLRT_API dlrt_status dlrt_npz_write(const char *path, const dlrt_array *arrays,
                           size_t count);
/* Releases what dlrt_npy_read or dlrt_npz_read returned (NULL-safe). */
DLRT_API void dlrt_arrays_free(dlrt_array *arrays, size_t count);

#ifdef __cplusplus
}
#endif

#endif /* DLRT_DLRT_H */
