//===- DescriptorLayout.h - abi.h's structs, field by field -----*- C++ -*-===//
//
// The compiler writes the model descriptor as LLVM constants. Each struct of
// runtime/include/dlrt/abi.h is listed here once, field by field, with the
// field's offset and size taken from the C header itself (offsetof,
// sizeof); static_asserts check that the list covers every byte of the C
// struct, so a field added to abi.h and not here fails to compile. The LLVM
// struct types are built from these lists (descriptorStructType), and a
// unit test checks LLVM's layout of them against the same offsets.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TARGET_DESCRIPTORLAYOUT_H
#define DLC_TARGET_DESCRIPTORLAYOUT_H

#include "runtime/include/dlrt/abi.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <iterator>
#include <utility>

namespace llvm {
class LLVMContext;
class StructType;
} // namespace llvm

namespace dlc::abi {

enum class Scalar { I32, I64, F32, F64, Ptr };

constexpr size_t sizeOf(Scalar s) {
  return s == Scalar::I32 || s == Scalar::F32 ? 4 : 8;
}

struct Field {
  Scalar type;
  size_t offset; ///< offsetof in the C struct.
  size_t size;   ///< sizeof the C field.
};

#define DLC_ABI_FIELD(Struct, field, scalar)                                   \
  Field {                                                                      \
    Scalar::scalar, offsetof(Struct, field),                                   \
        sizeof(std::declval<Struct>().field)                                   \
  }

inline constexpr Field kTensorInfo[] = {
    DLC_ABI_FIELD(dlc_tensor_info, name, Ptr),
    DLC_ABI_FIELD(dlc_tensor_info, dtype, I32),
    DLC_ABI_FIELD(dlc_tensor_info, rank, I32),
    DLC_ABI_FIELD(dlc_tensor_info, shape, Ptr),
    DLC_ABI_FIELD(dlc_tensor_info, trainable, I32),
    DLC_ABI_FIELD(dlc_tensor_info, init, I32),
    DLC_ABI_FIELD(dlc_tensor_info, init_bound, F32),
};

inline constexpr Field kHyperParameter[] = {
    DLC_ABI_FIELD(dlc_hyper_parameter, name, Ptr),
    DLC_ABI_FIELD(dlc_hyper_parameter, value, F64),
};

inline constexpr Field kTrainArgs[] = {
    DLC_ABI_FIELD(dlc_train_args, lr, F32),
    DLC_ABI_FIELD(dlc_train_args, step, I64),
    DLC_ABI_FIELD(dlc_train_args, seed, I64),
};

/// dlc_model_v5's fields; the descriptor writer fills them in this order.
// clang-format off
enum ModelField {
  kAbiMajor, kAbiMinor, kName, kTarget, kNumInputs, kNumTargets, kNumOutputs,
  kNumParams, kInputs, kTargets, kOutputs, kParams, kOptimizer,
  kNumHyperParameters, kHyperParameters, kNumState, kState, kMetric,
  kWorkspaceSize, kScratchSize, kForward, kTrainStep, kPtx, kNumPrepared, kPrepared,
  kPrepare, kNumModelFields
};
// clang-format on

inline constexpr Field kModel[] = {
    DLC_ABI_FIELD(dlc_model_v5, abi_major, I32),
    DLC_ABI_FIELD(dlc_model_v5, abi_minor, I32),
    DLC_ABI_FIELD(dlc_model_v5, name, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, target, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, num_inputs, I32),
    DLC_ABI_FIELD(dlc_model_v5, num_targets, I32),
    DLC_ABI_FIELD(dlc_model_v5, num_outputs, I32),
    DLC_ABI_FIELD(dlc_model_v5, num_params, I32),
    DLC_ABI_FIELD(dlc_model_v5, inputs, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, targets, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, outputs, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, params, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, optimizer, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, num_hyper_parameters, I32),
    DLC_ABI_FIELD(dlc_model_v5, hyper_parameters, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, num_state, I32),
    DLC_ABI_FIELD(dlc_model_v5, state, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, metric, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, workspace_size, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, scratch_size, I64),
    DLC_ABI_FIELD(dlc_model_v5, forward, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, train_step, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, ptx, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, num_prepared, I32),
    DLC_ABI_FIELD(dlc_model_v5, prepared, Ptr),
    DLC_ABI_FIELD(dlc_model_v5, prepare, Ptr),
};

#undef DLC_ABI_FIELD

/// True when `fields` are in order, each of its scalar's size, each at the
/// next offset its alignment allows (the C rule, natural alignment), and
/// together fill a struct of `size` bytes: no field of the C struct is
/// missing from the list, none is extra, none has another type's size.
constexpr bool coversStruct(const Field *fields, size_t count, size_t size) {
  size_t end = 0, align = 1;
  for (size_t i = 0; i < count; ++i) {
    size_t s = sizeOf(fields[i].type);
    size_t at = (end + s - 1) / s * s;
    if (fields[i].size != s || fields[i].offset != at)
      return false;
    end = at + s;
    align = s > align ? s : align;
  }
  return (end + align - 1) / align * align == size;
}

#define DLC_ABI_COVERS(list, Struct)                                           \
  static_assert(coversStruct(list, std::size(list), sizeof(Struct)),          \
                "the field list " #list " disagrees with " #Struct            \
                " in abi.h")
DLC_ABI_COVERS(kTensorInfo, dlc_tensor_info);
DLC_ABI_COVERS(kHyperParameter, dlc_hyper_parameter);
DLC_ABI_COVERS(kTrainArgs, dlc_train_args);
DLC_ABI_COVERS(kModel, dlc_model_v5);
#undef DLC_ABI_COVERS
static_assert(std::size(kModel) == kNumModelFields,
              "ModelField names every field of kModel");

/// The LLVM struct type of `fields`, named `name`.
llvm::StructType *structType(llvm::LLVMContext &ctx,
                             llvm::ArrayRef<Field> fields,
                             llvm::StringRef name);

} // namespace dlc::abi

#endif // DLC_TARGET_DESCRIPTORLAYOUT_H
