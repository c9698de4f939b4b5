// RUN: dlc-opt %s --dlc-lower-parallel-calls | FileCheck %s

// Tests that a call of a part's declaration stores its captured values in a
// struct on the stack and calls the runtime's parallel_for (the first field
// of the dlc_parallel it was handed) with the count, a task function and
// the struct; that the task loads the values and calls the part with its
// range and the range's scratch as a memref<?xi8> of dl.scratch_size bytes;
// and that the declaration and the entry point's dl.parallel go away.

// CHECK-LABEL: llvm.func internal @p_task(
// CHECK-SAME: %[[ARGS:.*]]: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64, %[[SCRATCH:.*]]: !llvm.ptr)
// CHECK: %[[F0:.*]] = llvm.getelementptr %[[ARGS]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, i64)>
// CHECK: %[[X:.*]] = llvm.load %[[F0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[F1:.*]] = llvm.getelementptr %[[ARGS]][0, 1]
// CHECK: %[[N:.*]] = llvm.load %[[F1]] : !llvm.ptr -> i64
// CHECK-DAG: %[[ZERO:.*]] = llvm.mlir.constant(0 : i64)
// CHECK-DAG: %[[SIZE:.*]] = llvm.mlir.constant(128 : i64)
// CHECK-DAG: %[[ONE:.*]] = llvm.mlir.constant(1 : i64)
// CHECK: llvm.call @p(%[[BEGIN]], %[[END]], %[[X]], %[[N]], %[[SCRATCH]], %[[SCRATCH]], %[[ZERO]], %[[SIZE]], %[[ONE]])
// CHECK-NOT: @p_parallel
// CHECK-LABEL: llvm.func @step(
// CHECK-SAME: %[[IN:.*]]: !llvm.ptr, %[[PARALLEL:[a-z0-9]+]]: !llvm.ptr)
// CHECK: %[[STRUCT:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, i64)>
// CHECK: llvm.store %[[IN]], %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: llvm.store %[[COUNT:.*]], %{{.*}} : i64, !llvm.ptr
// CHECK: %[[FOR:.*]] = llvm.load %[[PARALLEL]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[TASK:.*]] = llvm.mlir.addressof @p_task
// CHECK: llvm.call %[[FOR]](%[[PARALLEL]], %[[COUNT]], %[[TASK]], %[[STRUCT]]) : !llvm.ptr, (!llvm.ptr, i64, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NOT: dl.parallel
module attributes {dl.scratch_size = 128 : i64} {
  llvm.func @p(%begin: i64, %end: i64, %x: !llvm.ptr, %n: i64, %s0: !llvm.ptr,
               %s1: !llvm.ptr, %s2: i64, %s3: i64, %s4: i64) attributes {dl.parallel_part} {
    llvm.return
  }
  llvm.func @p_parallel(!llvm.ptr, i64, !llvm.ptr, i64) attributes {dl.parallel_part = @p}
  llvm.func @step(%x: !llvm.ptr, %parallel: !llvm.ptr {dl.parallel = "parallel"}) {
    %count = llvm.mlir.constant(10 : i64) : i64
    llvm.call @p_parallel(%parallel, %count, %x, %count) : (!llvm.ptr, i64, !llvm.ptr, i64) -> ()
    llvm.return
  }
}
