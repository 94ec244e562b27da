"""``python -m course_lib bench [--quick] [--json] [--device D] [--plot PNG]``: training speed against a tutorial
loop, FLOP rate against a matmul peak, seconds until the default recipe's samples are recognisable, and FID against
seconds of training for the default recipe and the PyTorch tutorial's (``--quality-only``: just that).

Prints everything docs/performance.md records (CPU model, threads, torch version, load average).
"""

from __future__ import annotations

import json
import sys

from ..runtime import PRECISIONS, configure_cpu_threads
from . import UserError
from .args import positive
from .flags import add_device


def register(subparsers) -> None:
    """Add the ``bench`` subcommand."""
    p = subparsers.add_parser("bench", help="benchmark training speed, FLOP rate and time to recognisable samples")
    p.add_argument("--quick", action="store_true", help="a smoke test: a few steps of everything (noisy numbers)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")
    p.add_argument("--budget", type=positive, default=None,
                   help="max seconds of training while waiting for recognisable samples (default 300)")
    p.add_argument("--classifier", default=None,
                   help="classifier weights for the recognisability proxy (default: the shipped ones)")
    p.add_argument("--precision", default="auto", choices=PRECISIONS,
                   help="of the course_lib Trainer: auto (bf16 where the CPU has native bf16), fp32 or bf16; the "
                   "other one is measured alongside")
    add_device(p)
    p.add_argument("--sweep", action="store_true",
                   help="instead: images/s and GFLOP/s over batch 32-512, width 16-64 and 1-2 threads")
    p.add_argument("--profile", action="store_true",
                   help="instead: the top operators of a training step (torch.profiler)")
    p.add_argument("--quality-only", action="store_true",
                   help="only the time-to-quality curves (FID against seconds, course_lib vs the tutorial's recipe)")
    p.add_argument("--plot", default=None, metavar="PNG",
                   help="also draw the time-to-quality curves with their calibration lines into this file")
    p.set_defaults(run=run)


def run(args) -> int:
    import dataclasses

    from ..studies.bench import QUICK, BenchConfig, run_bench

    if args.sweep or args.profile:
        if args.device not in ("auto", "cpu"):
            raise UserError(f"--sweep and --profile measure the CPU (threads, oneDNN); drop --device {args.device} "
                            "or run the main benchmark (`bench --device cuda`).")
        return scaling(args)
    cfg = dataclasses.replace(QUICK if args.quick else BenchConfig(), precision=args.precision, device=args.device)
    if args.budget is not None:  # positive and finite: checked by its argument type
        cfg = dataclasses.replace(cfg, budget_seconds=args.budget)
    configure_cpu_threads()
    progress = (lambda message: print(message, file=sys.stderr, flush=True)) if args.json else print
    result = {"config": dataclasses.asdict(cfg)} if args.quality_only else run_bench(cfg, args.classifier, progress)
    result["time_to_quality"] = quality(args, progress)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(quality_report(result["time_to_quality"]) if args.quality_only else report(result))
    return 0


def quality(args, progress) -> dict:
    """FID against training seconds for the default recipe and the tutorial's (``studies.quality``)."""
    import dataclasses

    from ..data import load_fashion_mnist
    from ..studies import quality as bench_quality

    cfg = bench_quality.QUICK_QUALITY if args.quick else bench_quality.QualityConfig()
    cfg = dataclasses.replace(cfg, precision=args.precision, device=args.device)
    images, labels = load_fashion_mnist().split("train")
    if args.quick:
        images, labels = images[:256], labels[:256]
    result = bench_quality.time_to_quality(cfg, images, labels, progress)
    if args.plot:
        bench_quality.plot(result, args.plot)
        progress(f"wrote {args.plot}")
    return result


def scaling(args) -> int:
    """``--sweep`` / ``--profile``: on the training split (a 1,024-image slice with --quick)."""
    from ..data import load_fashion_mnist
    from ..studies.sweep import profile_step, sweep

    configure_cpu_threads()
    images, labels = load_fashion_mnist().split("train")
    if args.quick:
        images, labels = images[:1024], labels[:1024]
    progress = (lambda message: print(message, file=sys.stderr, flush=True)) if args.json else print
    if args.sweep:
        options = dict(batches=(32, 64), widths=(8,), threads=(1,), warmup=1, steps=2) if args.quick else {}
        result = sweep(images, labels, precision=args.precision, progress=progress, **options)
    else:
        result = profile_step(images, labels, precision=args.precision, steps=2 if args.quick else 5)
        if not args.json:
            print(f"top operators by self CPU time, {result['kind']} default recipe in {result['precision']}, "
                  f"{result['threads']} thread(s), {result['total_ms_per_step']:.1f} ms per step in all:")
            for row in result["top"]:
                print(f"  {row['op']:40s} {row['self_ms_per_step']:8.2f} ms/step {row['share']:7.1%} "
                      f"({row['calls']} calls)")
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


def report(r: dict) -> str:
    """The text report: every number docs/performance.md needs."""
    m, t, f, rec = r["machine"], r["throughput"], r["flops"], r["recognisable"]
    lines = [
        f"machine: {m['cpu_model']}, {m['logical_cpus']} logical CPUs, torch {m['torch']} with "
        f"{m['torch_threads']} threads (OMP_NUM_THREADS={m['omp_num_threads_env']}), Python {m['python']}",
        f"load average (1, 5, 15 min) at the start {m['load_average_1m_5m_15m']}, at the end "
        f"{m.get('load_average_end')} (well above 0 on an otherwise idle machine means other jobs shared the CPU)",
        f"device: {m['device']}" + (f" ({m['gpu']})" if "gpu" in m else ""),
        f"{'quick smoke test: numbers are noisy' if r['config']['quick'] else 'full benchmark'}",
        "",
        f"training throughput, {r['config']['kind']} default recipe, batch {t['batch_size']}, median of "
        f"{t['rounds']} alternating rounds of {t['timed_steps']} steps:",
        f"  course_lib Trainer        {t['course_lib_images_per_s']:8.1f} images/s in {t['precision']} "
        f"({t['other_precision']}: {t['other_precision_images_per_s']:.1f} images/s)",
        f"  tutorial loop (baseline)  {t['tutorial_images_per_s']:8.1f} images/s   speedup x{t['speedup']:.2f}",
        f"  data path alone: BatchSource {t['data_only_course_lib_images_per_s']:.0f} images/s, "
        f"DataLoader + PIL transforms {t['data_only_tutorial_images_per_s']:.0f} images/s",
        f"  FLOPs per step: course_lib {t['course_lib_flops_per_step'] / 1e9:.3f} G, "
        f"tutorial {t['tutorial_flops_per_step'] / 1e9:.3f} G",
        f"achieved {f['course_lib_step_gflops']:.2f} GFLOP/s in the training step; {f['peak_dtype']} matmul peak "
        f"{f['matmul_peak_gflops']:.1f} GFLOP/s ({f['fraction_of_peak']:.1%} of peak)",
        "",
        f"recognisable = the classifier is >= {rec['rule']['confident']:.0%} sure of at least "
        f"{rec['rule']['relative_rate']:.0%} as many samples as of real test images, and >= "
        f"{rec['rule']['min_classes']} classes hold >= {rec['rule']['min_class_share']:.0%} of the samples",
    ]
    if "classifier_accuracy_on_real" in rec:
        lines.append(f"  the classifier on 1000 real test images: accuracy {rec['classifier_accuracy_on_real']:.3f}, "
                     f"confident {rec['real_test_images']['confident_rate']:.3f}, "
                     f"{rec['real_test_images']['classes_covered']}/10 classes -> samples need confident "
                     f">= {rec['min_confident_rate']:.3f}")
    if "skipped" in rec:
        lines.append(f"  skipped: {rec['skipped']}")
        return "\n".join(lines)
    for point in rec["curve"]:
        lines.append(f"  step {point['step']:5d} (epoch {point['epoch']:.2f}) after {point['train_seconds']:7.1f} s "
                     f"of training: confident {point['confident_rate']:.3f}, {point['classes_covered']}/10 classes")
    reached = rec["reached"]
    if reached:
        lines.append(f"recognisable after {reached['seconds']:.1f} s of training ({reached['step']} steps, "
                     f"epoch {reached['epoch']:.2f})")
    else:
        lines.append(f"not recognisable within {rec['budget_seconds']:g} s / {rec['max_steps']} steps")
    if "time_to_quality" in r:
        lines += ["", quality_report(r["time_to_quality"])]
    return "\n".join(lines)


def quality_report(q: dict) -> str:
    """The two FID-against-seconds curves side by side, the calibration lines, and where each crosses the target."""
    lines = [f"time to quality: FID (course scale, n = {q['n']} samples, noise seed {q['seed']}, against the 10,000 "
             "test images) after seconds of training (scoring excluded)",
             f"  {'course_lib default (' + q['precision'] + ')':>34s}   {'PyTorch tutorial recipe (fp32)':>34s}"]
    course, tutorial = q["course_lib"]["curve"], q["tutorial"]["curve"]
    for i in range(max(len(course), len(tutorial))):
        cells = [f"{c['train_seconds']:7.1f} s {c['steps']:6d} steps FID {c['fid']:7.2f}" if c else " " * 34
                 for c in (course[i] if i < len(course) else None, tutorial[i] if i < len(tutorial) else None)]
        lines.append(f"  {cells[0]:>34s}   {cells[1]:>34s}")
    lines.append("  calibration at the same n: " + ", ".join(f"{k} {v:.2f}" for k, v in q["calibration"].items()))
    for name in ("course_lib", "tutorial"):
        hit = q[name]["reaches_target"]
        when = f"after {hit['train_seconds']:.1f} s ({hit['steps']} steps)" if hit else "not within its budget"
        lines.append(f"  {name} reaches the real + noise sigma=0.1 line ({q['target_line']:.2f}) {when}")
    t = q["tutorial"]
    lines.append(f"  tutorial recipe FID at 90 s: {fmt(t['fid_at_90_s'])}, at 300 s: {fmt(t['fid_at_300_s'])}")
    return "\n".join(lines)


def fmt(value: float | None) -> str:
    """A FID with two decimals, or 'not reached' for a budget the run did not get to."""
    return "not reached" if value is None else f"{value:.2f}"
