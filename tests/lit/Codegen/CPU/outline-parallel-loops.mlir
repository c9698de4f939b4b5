// RUN: dlc-opt %s --dlc-outline-parallel-loops --canonicalize | FileCheck %s
// RUN: dlc-opt %s --dlc-outline-parallel-loops --dlc-plan-workspace | FileCheck %s --check-prefix=SCRATCH

// Tests that an entry point gets the runtime's dlc_parallel as an argument,
// and that each top-level scf.forall becomes a part function running the
// linearised iterations [begin, end) (the last dimension fastest) plus a
// call of a declaration naming it, with the loop's trip count; a forall
// nested in another loop stays. dlc-plan-workspace then places the part's
// buffers in its scratch (the runtime's, per range), not in the workspace.

// CHECK-LABEL: func.func private @step_4_conv_part(
// CHECK-SAME: %[[BEGIN:[a-z0-9]+]]: index, %[[END:[a-z0-9]+]]: index, %[[N:[a-z0-9]+]]: index, %[[OUT:[a-z0-9]+]]: memref<?x8x6xf32>)
// CHECK-SAME: attributes {dl.parallel_part, passthrough = ["noinline", ["dlc-noalias-params", "4"]]}
// CHECK: scf.for %[[I:.*]] = %[[BEGIN]] to %[[END]] step %c1
// CHECK: %[[ROW:.*]] = arith.remui %[[I]], %c4 : index
// CHECK: %[[SAMPLE:.*]] = arith.divui %[[I]], %c4 : index
// CHECK: %[[Y:.*]] = arith.muli %[[ROW]], %c2
// CHECK: memref.alloc() : memref<2x6xf32>
// CHECK: memref.subview %[[OUT]][%[[SAMPLE]], %[[Y]], 0] [1, 2, 6]
// CHECK: func.func private @step_4_conv_part_parallel(!llvm.ptr, index, index, memref<?x8x6xf32>) attributes {dl.parallel_part = @step_4_conv_part}
// CHECK-LABEL: func.func @step(
// CHECK-SAME: %[[PARALLEL:[a-z0-9]+]]: !llvm.ptr {dl.parallel = "parallel"}
// CHECK: %[[N:.*]] = memref.dim
// CHECK: %[[COUNT:.*]] = arith.muli %[[N]], %c4 : index
// CHECK: call @step_4_conv_part_parallel(%[[PARALLEL]], %[[COUNT]], %[[N]], %arg0)
// CHECK: scf.for
// CHECK: scf.forall
// CHECK: return

// SCRATCH: module attributes {dl.scratch_size = 64 : i64}
// SCRATCH-LABEL: func.func private @step_4_conv_part(
// SCRATCH-SAME: %[[SCRATCH:[a-z0-9]+]]: memref<?xi8> {dl.workspace = "workspace"}
// SCRATCH: memref.view %[[SCRATCH]][%c0{{.*}}][] : memref<?xi8> to memref<2x6xf32>
// SCRATCH-LABEL: func.func @step(
// SCRATCH-SAME: !llvm.ptr {dl.parallel = "parallel"}, %{{.*}}: memref<?xi8> {dl.workspace = "workspace"}
#conv = loc("conv")
func.func @step(%out: memref<?x8x6xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %out, %c0 : memref<?x8x6xf32>
  scf.forall (%s, %y) = (0, 0) to (%n, 8) step (1, 2) {
    %tile = memref.alloc() : memref<2x6xf32>
    linalg.fill ins(%zero : f32) outs(%tile : memref<2x6xf32>)
    %view = memref.subview %out[%s, %y, 0] [1, 2, 6] [1, 1, 1]
        : memref<?x8x6xf32> to memref<2x6xf32, strided<[6, 1], offset: ?>>
    linalg.copy ins(%tile : memref<2x6xf32>) outs(%view : memref<2x6xf32, strided<[6, 1], offset: ?>>)
  } loc(#conv)
  scf.for %i = %c0 to %n step %c1 {
    scf.forall (%j) in (8) {
      memref.store %zero, %out[%i, %j, %c0] : memref<?x8x6xf32>
    }
  }
  return
}
