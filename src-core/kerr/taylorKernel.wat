;; One term of the Taylor series of e^{τL} for the Kerr Liouvillian (propagate.ts, taylorTerm): w = f·L(v) on the
;; upper triangle n ≥ m, y += w, returns max_mn |Re w_mn| + |Im w_mn|. The same arithmetic as the TypeScript
;; taylorTerm, operation for operation (each f64x2 lane is one IEEE double operation in the same order), so the two
;; give bit-identical results (test/core/taylorKernel.test.ts); the complex element (Re, Im) is one f64x2 lane pair,
;; which halves the instructions of the hot loop (measured 3.0-3.1x faster than the TypeScript kernel at K = 65 and
;; K = 200 under Node 20).
;; Arrays are interleaved complex f64 (element mK + n at byte 16(mK + n)) at the byte offsets v, w, y of the exported
;; memory; hd = h_m (K doubles), sq = √m (K + 1 doubles).
;; Built into taylorKernelWasm.ts by scripts/build-wasm.mjs (wabt); edit this file, then run `npm run build:wasm`.
(module
  (memory (export "mem") 1)
  ;; One Taylor term w = f·L(v), y += w on the upper triangle; arrays interleaved complex f64 at byte offsets.
  (func (export "term") (param $K i32) (param $E f64) (param $kappa f64) (param $f f64)
        (param $v i32) (param $w i32) (param $y i32) (param $hd i32) (param $sq i32) (result f64)
    (local $m i32) (local $n i32) (local $row i32) (local $pd i32) (local $i i32) (local $up i32)
    (local $sm f64) (local $sm1 f64) (local $smf f64) (local $a f64) (local $mx f64) (local $k2 f64) (local $Ef f64)
    (local $hm f64) (local $jc f64) (local $s0 f64) (local $s1 f64) (local $g f64) (local $om f64) (local $js f64)
    (local $X v128) (local $A v128) (local $O v128) (local $t i32) (local $nLast i32) (local $KB i32)
    (local.set $k2 (f64.mul (f64.const 2) (local.get $kappa)))
    (local.set $Ef (f64.mul (local.get $E) (local.get $f)))
    (local.set $KB (i32.shl (local.get $K) (i32.const 4)))
    (local.set $nLast (i32.sub (local.get $K) (i32.const 1)))
    (local.set $m (i32.const 0))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $m) (local.get $K)))
      (local.set $sm (f64.load (i32.add (local.get $sq) (i32.shl (local.get $m) (i32.const 3)))))
      (local.set $sm1 (f64.load (i32.add (local.get $sq) (i32.shl (i32.add (local.get $m) (i32.const 1)) (i32.const 3)))))
      (local.set $pd (i32.shl (i32.add (i32.mul (local.get $m) (local.get $K)) (local.get $m)) (i32.const 4)))
      ;; diagonal
      (local.set $a (f64.const 0))
      (if (i32.gt_s (local.get $m) (i32.const 0))
        (then (local.set $a (f64.add (local.get $a) (f64.mul (f64.mul (f64.const 2) (local.get $sm))
              (f64.load (i32.sub (i32.add (local.get $v) (local.get $pd)) (local.get $KB))))))))
      (if (i32.lt_s (i32.add (local.get $m) (i32.const 1)) (local.get $K))
        (then (local.set $a (f64.sub (local.get $a) (f64.mul (f64.mul (f64.const 2) (local.get $sm1))
              (f64.load offset=16 (i32.add (local.get $v) (local.get $pd))))))))
      (local.set $a (f64.mul (local.get $a) (local.get $E)))
      (if (i32.lt_s (i32.add (local.get $m) (i32.const 1)) (local.get $K))
        (then (local.set $a (f64.add (local.get $a) (f64.mul (f64.mul (local.get $k2) (f64.convert_i32_s (i32.add (local.get $m) (i32.const 1))))
              (f64.load offset=16 (i32.add (i32.add (local.get $v) (local.get $pd)) (local.get $KB))))))))
      (local.set $a (f64.mul (local.get $f) (f64.sub (local.get $a)
          (f64.mul (f64.mul (local.get $k2) (f64.convert_i32_s (local.get $m))) (f64.load (i32.add (local.get $v) (local.get $pd)))))))
      (f64.store (i32.add (local.get $w) (local.get $pd)) (local.get $a))
      (f64.store offset=8 (i32.add (local.get $w) (local.get $pd)) (f64.const 0))
      (f64.store (i32.add (local.get $y) (local.get $pd)) (f64.add (f64.load (i32.add (local.get $y) (local.get $pd))) (local.get $a)))
      (local.set $mx (f64.max (local.get $mx) (f64.abs (local.get $a))))
      (if (i32.lt_s (i32.add (local.get $m) (i32.const 1)) (local.get $K)) (then
        (local.set $hm (f64.load (i32.add (local.get $hd) (i32.shl (local.get $m) (i32.const 3)))))
        (local.set $jc (f64.mul (f64.mul (local.get $k2) (local.get $sm1)) (local.get $f)))
        (if (i32.gt_s (local.get $m) (i32.const 0))
          (then (local.set $smf (local.get $sm)) (local.set $up (i32.sub (i32.const 0) (local.get $KB))))
          (else (local.set $smf (f64.const 0)) (local.set $up (i32.const 0))))
        (local.set $n (i32.add (local.get $m) (i32.const 1)))
        (block $idone (loop $inner
          (br_if $idone (i32.ge_s (local.get $n) (local.get $nLast)))
          (local.set $i (i32.shl (i32.add (i32.mul (local.get $m) (local.get $K)) (local.get $n)) (i32.const 4)))
          (local.set $s0 (f64.load (i32.add (local.get $sq) (i32.shl (local.get $n) (i32.const 3)))))
          (local.set $s1 (f64.load offset=8 (i32.add (local.get $sq) (i32.shl (local.get $n) (i32.const 3)))))
          (local.set $g (f64.mul (f64.mul (f64.neg (local.get $kappa)) (f64.convert_i32_s (i32.add (local.get $m) (local.get $n)))) (local.get $f)))
          (local.set $om (f64.mul (f64.sub (local.get $hm) (f64.load (i32.add (local.get $hd) (i32.shl (local.get $n) (i32.const 3))))) (local.get $f)))
          (local.set $t (i32.add (local.get $v) (local.get $i)))
          (local.set $X (v128.load (local.get $t)))
          (local.set $A
            (f64x2.sub
              (f64x2.add
                (f64x2.sub (f64x2.mul (f64x2.splat (local.get $s0)) (v128.load offset=0 (i32.sub (local.get $t) (i32.const 16))))
                           (f64x2.mul (f64x2.splat (local.get $sm1)) (v128.load (i32.add (local.get $t) (local.get $KB)))))
                (f64x2.mul (f64x2.splat (local.get $smf)) (v128.load (i32.add (local.get $t) (local.get $up)))))
              (f64x2.mul (f64x2.splat (local.get $s1)) (v128.load offset=16 (local.get $t)))))
          (local.set $js (f64.mul (local.get $jc) (local.get $s1)))
          (local.set $O
            (f64x2.add
              (f64x2.add
                (f64x2.add (f64x2.mul (f64x2.splat (local.get $Ef)) (local.get $A))
                           (f64x2.mul (f64x2.splat (local.get $js)) (v128.load offset=16 (i32.add (local.get $t) (local.get $KB)))))
                (f64x2.mul (f64x2.splat (local.get $g)) (local.get $X)))
              (f64x2.mul (f64x2.replace_lane 1 (f64x2.splat (local.get $om)) (f64.neg (local.get $om)))
                         (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $X) (local.get $X)))))
          (v128.store (i32.add (local.get $w) (local.get $i)) (local.get $O))
          (v128.store (i32.add (local.get $y) (local.get $i)) (f64x2.add (v128.load (i32.add (local.get $y) (local.get $i))) (local.get $O)))
          (local.set $O (f64x2.abs (local.get $O)))
          (local.set $mx (f64.max (local.get $mx) (f64.add (f64x2.extract_lane 0 (local.get $O)) (f64x2.extract_lane 1 (local.get $O)))))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br $inner)))
        ;; last column n = K-1
        (local.set $n (local.get $nLast))
        (local.set $i (i32.shl (i32.add (i32.mul (local.get $m) (local.get $K)) (local.get $n)) (i32.const 4)))
        (local.set $s0 (f64.load (i32.add (local.get $sq) (i32.shl (local.get $n) (i32.const 3)))))
        (local.set $g (f64.mul (f64.mul (f64.neg (local.get $kappa)) (f64.convert_i32_s (i32.add (local.get $m) (local.get $n)))) (local.get $f)))
        (local.set $om (f64.mul (f64.sub (local.get $hm) (f64.load (i32.add (local.get $hd) (i32.shl (local.get $n) (i32.const 3))))) (local.get $f)))
        (local.set $t (i32.add (local.get $v) (local.get $i)))
        (local.set $X (v128.load (local.get $t)))
        (local.set $A
          (f64x2.add
            (f64x2.sub (f64x2.mul (f64x2.splat (local.get $s0)) (v128.load (i32.sub (local.get $t) (i32.const 16))))
                       (f64x2.mul (f64x2.splat (local.get $sm1)) (v128.load (i32.add (local.get $t) (local.get $KB)))))
            (f64x2.mul (f64x2.splat (local.get $smf)) (v128.load (i32.add (local.get $t) (local.get $up))))))
        (local.set $O
          (f64x2.add
            (f64x2.add (f64x2.mul (f64x2.splat (local.get $Ef)) (local.get $A)) (f64x2.mul (f64x2.splat (local.get $g)) (local.get $X)))
            (f64x2.mul (f64x2.replace_lane 1 (f64x2.splat (local.get $om)) (f64.neg (local.get $om)))
                       (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $X) (local.get $X)))))
        (v128.store (i32.add (local.get $w) (local.get $i)) (local.get $O))
        (v128.store (i32.add (local.get $y) (local.get $i)) (f64x2.add (v128.load (i32.add (local.get $y) (local.get $i))) (local.get $O)))
        (local.set $O (f64x2.abs (local.get $O)))
        (local.set $mx (f64.max (local.get $mx) (f64.add (f64x2.extract_lane 0 (local.get $O)) (f64x2.extract_lane 1 (local.get $O)))))
      ))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $rows)))
    (local.get $mx))

  ;; Start of a substep: v = y on the upper triangle; returns max_mn |Re y_mn| + |Im y_mn| (the series' scale).
  (func (export "seed") (param $K i32) (param $v i32) (param $y i32) (result f64)
    (local $m i32) (local $p i32) (local $end i32) (local $X v128) (local $mx f64)
    (local.set $m (i32.const 0))
    (block $done (loop $rows
      (br_if $done (i32.ge_s (local.get $m) (local.get $K)))
      ;; elements (m, m) … (m, K−1): bytes 16(mK + m) up to 16(mK + K)
      (local.set $p (i32.shl (i32.add (i32.mul (local.get $m) (local.get $K)) (local.get $m)) (i32.const 4)))
      (local.set $end (i32.shl (i32.mul (i32.add (local.get $m) (i32.const 1)) (local.get $K)) (i32.const 4)))
      (block $idone (loop $inner
        (br_if $idone (i32.ge_s (local.get $p) (local.get $end)))
        (local.set $X (v128.load (i32.add (local.get $y) (local.get $p))))
        (v128.store (i32.add (local.get $v) (local.get $p)) (local.get $X))
        (local.set $X (f64x2.abs (local.get $X)))
        (local.set $mx (f64.max (local.get $mx) (f64.add (f64x2.extract_lane 0 (local.get $X)) (f64x2.extract_lane 1 (local.get $X)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $inner)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br $rows)))
    (local.get $mx))
)
