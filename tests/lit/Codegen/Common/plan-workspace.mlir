// RUN: dlc-opt %s --allow-unregistered-dialect --dlc-plan-workspace | FileCheck %s
// RUN: dlc-opt %s --allow-unregistered-dialect --dlc-plan-workspace=alignment=128 | FileCheck %s --check-prefix=ALIGN

// Tests that the buffers of public functions become views of one workspace
// argument, placed by liveness: %a and %b are alive together, %c reuses %a's
// memory once %a is dead; buffers sized by the batch go after the fixed
// ones at offsets that scale with it; a buffer only copied into an output
// becomes that output; a loop's scratch leaves the loop; private functions
// keep their allocations.

// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[X:.*]]: memref<?x16xf32>, %[[OUT:.*]]: memref<?x16xf32>, %[[WS:.*]]: memref<?xi8> {dl.workspace = "workspace"})
// CHECK-NOT: memref.alloc
// CHECK: %[[N:.*]] = memref.dim %[[X]]
// %a: 64 bytes per sample at 0 in the per-sample part, after the 256
// fixed bytes of %w.
// CHECK: %[[OFFA:.*]] = arith.muli %[[N]], %[[ZERO:.*]] : index
// CHECK: %[[BYTEA:.*]] = arith.addi %c256, %[[OFFA]]
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[BYTEA]]][%[[N]]] : memref<?xi8> to memref<?x16xf32>
// CHECK: memref.view %[[WS]][%{{.*}}][] : memref<?xi8> to memref<8x8xf32>
// %b is alive with %a: 64 bytes further.
// CHECK: arith.muli %[[N]], %c64
// CHECK: %[[B:.*]] = memref.view %[[WS]]
// CHECK: linalg.add ins(%[[A]], %[[X]] : {{.*}}) outs(%[[B]] : memref<?x16xf32>)
// %c reuses %a's bytes:
// CHECK: arith.muli %[[N]], %[[ZERO2:.*]] : index
// CHECK: %[[C:.*]] = memref.view %[[WS]]
// The result is computed in the output: no copy is left.
// CHECK: linalg.add ins(%[[C]], %[[B]] : {{.*}}) outs(%[[OUT]] : memref<?x16xf32>)
// CHECK-NOT: linalg.copy
// CHECK: return

// ALIGN-LABEL: func.func @chain(
// ALIGN: arith.constant 128 : index

func.func @chain(%x: memref<?x16xf32>, %out: memref<?x16xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x16xf32>
  %a = memref.alloc(%n) : memref<?x16xf32>
  %w = memref.alloc() : memref<8x8xf32>
  linalg.copy ins(%x : memref<?x16xf32>) outs(%a : memref<?x16xf32>)
  %b = memref.alloc(%n) : memref<?x16xf32>
  linalg.add ins(%a, %x : memref<?x16xf32>, memref<?x16xf32>) outs(%b : memref<?x16xf32>)
  %c = memref.alloc(%n) : memref<?x16xf32>
  linalg.add ins(%b, %b : memref<?x16xf32>, memref<?x16xf32>) outs(%c : memref<?x16xf32>)
  %r = memref.alloc(%n) : memref<?x16xf32>
  linalg.add ins(%c, %b : memref<?x16xf32>, memref<?x16xf32>) outs(%r : memref<?x16xf32>)
  "test.use"(%w) : (memref<8x8xf32>) -> ()
  linalg.copy ins(%r : memref<?x16xf32>) outs(%out : memref<?x16xf32>)
  return
}

// A dynamic size that is a multiple of the batch (a flattened batch) is
// recognised through the view; the batch is that size over the multiple.
// CHECK-LABEL: func.func @flattened(
// CHECK: %[[FLAT:.*]] = memref.dim %{{.*}}, %c0
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[BATCH:.*]] = arith.divui %[[FLAT]], %[[C4]]
// CHECK: memref.view %{{.*}}[%{{.*}}][%[[FLAT]]] : memref<?xi8> to memref<?xf32>
func.func @flattened(%x: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %flat = memref.collapse_shape %x [[0, 1]] : memref<?x4xf32> into memref<?xf32>
  %m = memref.dim %flat, %c0 : memref<?xf32>
  %a = memref.alloc(%m) : memref<?xf32>
  linalg.copy ins(%flat : memref<?xf32>) outs(%a : memref<?xf32>)
  return
}

// CHECK-LABEL: func.func private @kernel(
// CHECK: memref.alloc
func.func private @kernel(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  return
}

// The scratch of a loop's iteration leaves the loop and is planned; a
// buffer that an iteration yields stays where it is.
// CHECK-LABEL: func.func @tiles(
// CHECK: memref.view
// CHECK: %[[SCRATCH:.*]] = memref.view %{{.*}} : memref<?xi8> to memref<4xf32>
// CHECK-NEXT: scf.for
// CHECK-NOT: memref.view
// CHECK: linalg.copy ins(%{{.*}} : memref<4xf32>) outs(%[[SCRATCH]] : memref<4xf32>)
// CHECK: %[[KEPT:.*]] = memref.alloc() : memref<4xf32>
// CHECK: scf.yield %[[KEPT]]
func.func @tiles(%x: memref<4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = memref.alloc() : memref<4xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> (memref<4xf32>) {
    %scratch = memref.alloc() : memref<4xf32>
    linalg.copy ins(%x : memref<4xf32>) outs(%scratch : memref<4xf32>)
    %kept = memref.alloc() : memref<4xf32>
    linalg.add ins(%scratch, %acc : memref<4xf32>, memref<4xf32>) outs(%kept : memref<4xf32>)
    scf.yield %kept : memref<4xf32>
  }
  "test.use"(%r) : (memref<4xf32>) -> ()
  return
}

// The largest need of the entry points: 256 fixed bytes and 2 x 64 per
// sample for @chain (%c reuses %a), 16 per sample rounded to 64 for
// @flattened.
// CHECK-LABEL: func.func @workspace_size(%arg0: index) -> index
// CHECK: %[[CHAIN:.*]] = arith.muli %arg0, %c128
// CHECK: arith.addi %c256{{.*}}, %[[CHAIN]]
// CHECK: arith.maxui
// CHECK: %[[FLAT:.*]] = arith.muli %arg0, %c64
// CHECK: arith.maxui
