"""``max_regions``: enumerations stop with RegionLimitError past the limit, never with a
truncated count; at the limit they return the exact count. The command line's
``--max-regions`` and its warning."""

import json
import pickle
import re

import numpy as np
import pytest

import plregions as plr
from plregions.cli import main


def random_network(sizes, seed):
    rng = np.random.default_rng(seed)
    return plr.from_arrays([rng.normal(size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])],
                           [rng.normal(size=b) for b in sizes[1:]])


def orthants(d):
    """d coordinate hyperplanes through 0: exactly 2^d regions in R^d."""
    return plr.from_arrays([np.eye(d), np.ones((1, d))], [np.zeros(d), [0.0]])


def assert_limit_holds(count, true_count, above=True):
    """``count(max_regions)`` is exact at the limit (and above), raises just below it."""
    assert count(true_count) == true_count
    if above:
        assert count(true_count + 1) == true_count
    with pytest.raises(plr.RegionLimitError) as info:
        count(true_count - 1)
    assert info.value.max_regions == true_count - 1
    assert true_count - 1 < info.value.n_found <= true_count
    return info.value


# -- library: the general engine ---------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("domain", [None, plr.Box([-1] * 3, [1] * 3)], ids=["R^3", "box"])
def test_count_and_partition_stop_just_past_the_true_count(seed, domain):
    net = random_network([3, 5, 4, 1], seed)
    true_count = plr.count_regions(net, domain)
    assert true_count > 8
    err = assert_limit_holds(lambda m: plr.count_regions(net, domain, max_regions=m),
                             true_count)
    assert err.n_found == true_count                # streamed: the (limit + 1)-th region
    assert_limit_holds(lambda m: len(plr.partition(net, domain, max_regions=m)), true_count,
                       above=False)


def test_the_error_says_what_was_found_the_limit_and_the_fixes():
    net = random_network([3, 5, 4, 1], 0)
    with pytest.raises(plr.RegionLimitError) as info:
        plr.partition(net, max_regions=10)
    err = info.value
    assert isinstance(err, plr.PLRegionsError) and isinstance(err, RuntimeError)
    message = str(err)
    assert message.startswith("stopped after finding 11 activation regions in all of R^3")
    for fragment in ("max_regions=10", "no count is returned", "plr.Box", "plr.Plane",
                     "plr.Segment", "None: no limit"):
        assert fragment in message
    assert err.reason in message and err.n_found == 11 and err.max_regions == 10
    again = pickle.loads(pickle.dumps(err))                 # e.g. from a worker process
    assert (str(again), again.n_found, again.max_regions) == (message, 11, 10)


def test_the_first_layer_alone_stops_the_enumeration_before_it_starts():
    net = orthants(6)                                       # 64 regions in R^6
    assert plr.count_regions(net) == 64
    err = assert_limit_holds(lambda m: plr.count_regions(net, max_regions=m), 64)
    assert err.reason.startswith("stopped before enumerating: the first layer alone makes "
                                 "at least 2^6 = 64 activation regions in all of R^6")
    with pytest.raises(plr.RegionLimitError,
                       match=re.escape("at least 2^3 = 8 activation regions")):
        plr.partition(net, max_regions=5)                    # stops as soon as 2^k > 5


@pytest.mark.parametrize(("lower", "upper", "true_count"), [
    ([-1] * 6, [1] * 6, 64),                     # every hyperplane crosses the box
    ([0.5] + [-1] * 5, [1] * 6, 32),             # x_0 = 0 misses it
    ([1] * 6, [2] * 6, 1),                        # the crossing point is outside
    ([1e-3] + [-1] * 5, [1] * 6, 32),            # x_0 = 0 just outside
])
def test_the_first_layer_bound_counts_only_hyperplanes_crossing_inside_the_box(
        lower, upper, true_count):
    net, box = orthants(6), plr.Box(lower, upper)
    assert plr.count_regions(net, box) == true_count
    assert plr.count_regions(net, box, max_regions=true_count) == true_count
    if true_count > 1:
        with pytest.raises(plr.RegionLimitError):
            plr.count_regions(net, box, max_regions=true_count - 1)


def test_brute_engine_and_the_unlimited_default():
    net = random_network([3, 4, 1], 5)
    true_count = plr.count_regions(net, method="brute")
    assert plr.count_regions(net, method="brute", max_regions=None) == true_count
    assert_limit_holds(lambda m: plr.count_regions(net, method="brute", max_regions=m),
                       true_count)


def test_analyze_applies_the_limit():
    net = random_network([3, 5, 4, 1], 1)
    box = plr.Box([-0.5] * 3, [0.5] * 3)
    n_whole, n_box = plr.count_regions(net), plr.count_regions(net, box)
    assert n_box < n_whole
    report = plr.analyze(net, box=box, max_regions=n_whole)
    assert (report.n_regions, report.n_regions_box) == (n_whole, n_box)
    # A box never holds more regions than R^d (one per region it meets): R^d stops first.
    with pytest.raises(plr.RegionLimitError, match=re.escape("in all of R^3")):
        plr.analyze(net, box=box, max_regions=n_whole - 1)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True, [5]])
def test_bad_limits_are_rejected(bad):
    net = random_network([2, 3, 1], 0)
    for run in (plr.partition, plr.count_regions):
        with pytest.raises(plr.InvalidArgumentError, match="max_regions"):
            run(net, max_regions=bad)


def test_numpy_integers_are_limits():
    net = random_network([2, 3, 1], 0)
    n = plr.count_regions(net)
    assert plr.count_regions(net, max_regions=np.int64(n)) == n


# -- library: the 2-D and 1-D engines -----------------------------------------------------
@pytest.mark.parametrize("domain", [None, plr.Box([-2, -2], [2, 2])], ids=["R^2", "box"])
def test_plane_engine(domain):
    net = random_network([2, 8, 8, 1], 3)
    part = plr.partition(net, domain)
    assert part.method == "plane"
    assert_limit_holds(lambda m: plr.count_regions(net, domain, max_regions=m), len(part))
    err = assert_limit_holds(lambda m: len(plr.partition(net, domain, max_regions=m)),
                             len(part))
    assert err.n_found == len(part)                  # stopped at region limit + 1
    assert err.reason.startswith(f"stopped after finding {len(part)} activation regions")


@pytest.mark.parametrize("domain", [None, plr.Box([-3], [3])], ids=["R", "box"])
def test_line_engine(domain):
    net = random_network([1, 6, 6, 1], 4)
    part = plr.partition(net, domain)
    assert part.method == "line"
    assert_limit_holds(lambda m: plr.count_regions(net, domain, max_regions=m), len(part))
    assert_limit_holds(lambda m: len(plr.partition(net, domain, max_regions=m)), len(part))


def test_plane_and_segment_slices():
    net = random_network([4, 8, 8, 2], 6)
    rng = np.random.default_rng(6)
    a, b, c = rng.normal(size=(3, 4))
    for domain, where in ((plr.Plane.through(a, b, c), "on the plane"),
                          (plr.Segment(a, b), "on the segment")):
        part = plr.partition(net, domain)
        assert part.method in ("plane", "line") and len(part) > 1
        assert_limit_holds(lambda m, d=domain: plr.count_regions(net, d, max_regions=m),
                           len(part))
        with pytest.raises(plr.RegionLimitError, match=where):
            plr.partition(net, domain, max_regions=len(part) - 1)


# -- command line ------------------------------------------------------------------------
def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small_model(tmp_path):
    path = tmp_path / "small.npz"
    plr.save_network(random_network([3, 4, 3, 1], 0), path)
    return str(path)


@pytest.mark.parametrize("command", ["count", "analyze"])
def test_digits_in_r64_stops_at_once(capsys, command):
    code, out, err = run(capsys, command, "digits", "--max-regions", "50")
    assert code == 1 and out == ""
    warning, error = err.strip().splitlines()
    assert warning.startswith("plregions: warning: 64-64-64-64-10 may have up to about 10^")
    assert "more than --max-regions 50" in warning and "--box" in warning
    assert error.startswith("plregions: error: stopped before enumerating: the first layer "
                            "alone makes at least 2^6 = 64 activation regions in all of R^64")
    for fragment in ("more than --max-regions 50", "--box LO HI", "plregions slice",
                     "--max-regions (0: no limit)"):
        assert fragment in error


def test_digits_in_a_box_stops_at_once_with_the_default_limit(capsys):
    code, out, err = run(capsys, "count", "digits", "--box", "0", "16", "--activation-only")
    assert code == 1 and out == ""
    assert "at least 2^20 = 1048576 activation regions in the box" in err
    assert "more than --max-regions 1000000" in err


IRIS_BOX = ["--lower", "5.5", "2.8", "3.5", "1", "--upper", "6", "3", "4", "1.3"]


def test_bundled_iris_in_a_box_at_and_below_its_count(capsys):
    code, out, err = run(capsys, "count", "iris", *IRIS_BOX, "--json")
    assert code == 0 and err == ""                   # the default limit: no warning
    n = json.loads(out)["n_regions"]
    assert n == 28
    code, out, err = run(capsys, "count", "iris", *IRIS_BOX, "--max-regions", str(n),
                         "--json")
    assert code == 0 and json.loads(out)["n_regions"] == n
    assert err == ""  # the width bound is of all of R^4: no warning for a box
    code, out, err = run(capsys, "count", "iris", *IRIS_BOX, "--activation-only",
                         "--max-regions", str(n - 1))
    assert code == 1 and out == ""
    assert f"stopped after finding {n} activation regions in the box" in err


@pytest.mark.parametrize("no_limit", ["0", "none", "None"])
def test_no_limit(capsys, small_model, no_limit):
    n = plr.count_regions(plr.load_network(small_model))
    code, out, err = run(capsys, "count", small_model, "--max-regions", no_limit, "--json")
    assert code == 0 and err == "" and json.loads(out)["n_regions"] == n


@pytest.mark.parametrize("bad", ["-1", "ten", "2.5"])
def test_bad_max_regions_argument(capsys, small_model, bad):
    code, out, err = run(capsys, "count", small_model, "--max-regions", bad)
    assert code == 2 and "--max-regions" in err


def test_slice_and_plot_respect_the_limit(capsys, tmp_path):
    ends = [*["0"] * 64, *["16"] * 64]
    code, out, err = run(capsys, "slice", "digits", "--segment", *ends, "--json")
    assert code == 0 and err == ""
    n = json.loads(out)["n_regions"]
    code, out, err = run(capsys, "slice", "digits", "--segment", *ends,
                         "--max-regions", str(n))
    assert code == 0 and f"activation regions: {n}" in out
    code, out, err = run(capsys, "slice", "digits", "--segment", *ends,
                         "--max-regions", str(n - 1))
    assert code == 1 and out == ""
    assert re.match(f"plregions: error: stopped at hidden layer [0-9]+ of 3 after finding "
                    f"{n} activation regions on the segment, more than --max-regions {n - 1}",
                    err)
    assert "count a shorter segment" in err and "--box" not in err
    image = tmp_path / "segment.png"
    code, out, err = run(capsys, "plot", "digits", "--segment", *ends, "-o", str(image),
                         "--max-regions", str(n - 1))
    assert code == 1 and not image.exists()
    assert f"{n} activation regions on the segment" in err


def test_plot_refuses_a_box_of_many_inputs_before_partitioning(capsys, tmp_path):
    code, out, err = run(capsys, "plot", "digits", "--box", "0", "16", "-o",
                         str(tmp_path / "unused.png"))
    # A usage error (status 2), before any partition is started.
    assert code == 2 and "--box gives a box of R^64, not a slice" in err


def _sawtooth(depth):
    """Telgarsky's sawtooth: 2^depth activation regions on [0, 1]."""
    weights, biases = [np.array([[1.0], [1.0]])], [np.array([0.0, -0.5])]
    for _ in range(depth - 1):
        weights.append(np.array([[2.0, -4.0], [2.0, -4.0]]))
        biases.append(np.array([0.0, -0.5]))
    weights.append(np.array([[2.0, -4.0]]))
    biases.append(np.array([0.0]))
    return plr.from_arrays(weights, biases)


def test_line_engine_stops_at_the_layer_that_passes_the_limit():
    # 2^40 intervals would need terabytes; the engine stops after layer 10 (1024 > 1000).
    with pytest.raises(plr.RegionLimitError) as info:
        plr.count_regions(_sawtooth(40), plr.Box([0.0], [1.0]), max_regions=1000)
    assert info.value.n_found == 1024
    assert "hidden layer 10 of 40" in str(info.value)
    assert plr.count_regions(_sawtooth(10), plr.Box([0.0], [1.0]), max_regions=1024) == 1024


def test_plane_engine_stops_inside_the_kernel():
    rng = np.random.default_rng(0)
    net = plr.from_arrays([rng.normal(size=(40, 2)), rng.normal(size=(40, 40)), np.ones((1, 40))],
                          [rng.normal(size=40) * 0.1, np.zeros(40), [0.0]])
    box = plr.Box([-3, -3], [3, 3])
    n = plr.count_regions(net, box)
    for call in (plr.partition, plr.count_regions):
        with pytest.raises(plr.RegionLimitError) as info:
            call(net, box, max_regions=n // 10)
        assert info.value.n_found == n // 10 + 1  # stopped at the first region past it
        with pytest.raises(plr.RegionLimitError):
            call(net, None, max_regions=n // 10)


def test_affine_pieces_respects_the_limit():
    line = plr.Box([0.0], [1.0])
    assert len(plr.affine_pieces(_sawtooth(8), line, max_regions=256)) == 256
    with pytest.raises(plr.RegionLimitError, match="hidden layer 8 of 30 after finding 256"):
        plr.affine_pieces(_sawtooth(30), line, max_regions=255)
    with pytest.raises(plr.InvalidArgumentError, match="max_regions"):
        plr.affine_pieces(_sawtooth(2), line, max_regions=0)
