"""Published R numbers on mpdta that the ``reference`` tests of the DiD routines compare against,
with where each comes from, the call that printed it, and whether its SEs are analytic.

Data: ``mpdta`` (Callaway and Sant'Anna 2021; 500 US counties, 2003-2007, outcome ``lemp``),
as shipped by R ``did`` (``data(mpdta)``) and, for these tests, by the Python package
``moderndid`` (``tests/did/conftest.py::mpdta``).

R has no bootstrap-free default: ``att_gt`` and ``aggte`` default to ``bstrap = TRUE`` and
``cband = TRUE`` (multiplier bootstrap, simultaneous bands), and the SEs they print then differ
from run to run and from the analytic ones quoted here (the did README prints 0.0246, 0.0240 or
0.0235 for ATT(2004, 2004) depending on the release, against the analytic 0.0232510). Every SE
below is an analytic (influence-function) SE, i.e. ``bstrap = FALSE, cband = FALSE``; no R was
run for these tests (none on the machine): the sources are quoted as found.

1. ``R_DID_AGGREGATIONS`` (point estimates and SEs, 10 digits): R ``did`` 2.3.0 on R 4.5.2,
   quoted by StatsPAI's reference-parity test (github.com/brycewang-stanford/StatsPAI,
   ``tests/reference_parity/test_aggte_mpdta_parity.py``, commit 49f8c0f)::

       a <- att_gt(yname = "lemp", tname = "year", idname = "countyreal", gname = "first.treat",
                   data = mpdta, control_group = "nevertreated", bstrap = FALSE, cband = FALSE)
       aggte(a, type = <"simple" | "group" | "dynamic" | "calendar">, bstrap = FALSE, cband = FALSE)

   (``est_method`` left at its default "dr", which without covariates equals "reg";
   ``base_period`` at its default "varying"). Our "event" is R's "dynamic". The did README
   (github.com/bcallaway11/did, README.md at v2.1.1, v2.3 and 2.5.1) prints the same dynamic
   estimate, -0.0772, with a bootstrap SE (0.0214-0.0219).
2. ``R_DID_CELLS``: ATT(g, t) of the same call. The point estimates are R's: the did README's
   ``summary(att_gt(..., xformla = ~1, est_method = "reg"))`` prints them to 4 digits, the
   StatsPAI test above (did 2.3.0) to 8, the twfeweights README (item 4) to 9. The analytic SEs
   (0.0232510, 0.0202292, 0.0166554) were not found in any printed R output: they are what
   ``csdid`` (a Python port of R did; ``ATTgt(...).fit(est_method="reg", bstrap=False)``)
   gives on mpdta, to 7 digits. Treat them as analytic SEs of the R estimator, not as a quote.
3. ``R_DID_COVARIATE_REG``: ``att_gt(..., xformla = ~lpop, est_method = "reg", bstrap = FALSE)``
   then ``aggte(type = "simple", bstrap = FALSE)``. The point estimate -0.0419686124 is quoted
   for R did by StatsPAI (MIGRATION.md, 1.21.0; there for ``panel = FALSE``, which on this
   balanced panel with a time-invariant covariate gives the same point estimate). The analytic
   SE 0.0114448 was not found in a printed R output; csdid gives 0.0114448 (7 digits).
4. ``R_DID_UNIVERSAL_BASE`` and ``FIXEST_TWFE``: the README of the R package ``twfeweights``
   (Brantly Callaway; github.com/bcallaway11/twfeweights, README.md last changed 2024-05-28,
   commit b7d3b3d; the R did and fixest versions are not printed there)::

       mpdta$post <- 1 * ((mpdta$year >= mpdta$first.treat) & (mpdta$treat == 1))
       attgt <- did::att_gt(yname = "lemp", idname = "countyreal", gname = "first.treat",
                            tname = "year", data = mpdta, control_group = "nevertreated",
                            base_period = "universal")
       twfe_weights(attgt)          # prints ATT(g, t) to 9 digits
       fixest::feols(lemp ~ post | countyreal + year, cluster = "countyreal", data = mpdta)

   Only point estimates are taken from the att_gt call (its SEs there are bootstrap SEs, the
   default). The fixest line is ``post -0.036549 0.013265 -2.75526 0.006079``: an analytic
   CRV1 SE clustered by county.
5. ``R_DID_PRETEST_PVALUE``: "P-value for pre-test of parallel trends assumption: 0.16812",
   printed by ``summary(att_gt(...))`` in the did README (v2.1.1, v2.3 and 2.5.1, varying base
   period, ``est_method = "reg"``) and in the twfeweights README (universal base period). R
   computes this Wald statistic from the analytic variance matrix whatever ``bstrap`` is
   (R/att_gt.R: ``preV <- as.matrix(V[pre, pre])``), so it does not move with the bootstrap.
"""

from __future__ import annotations

#: Column roles of mpdta for the package's routines.
MPDTA = dict(outcome="lemp", unit="countyreal", time="year", cohort="first.treat")

#: aggregation -> (estimate, analytic SE); item 1 of the module docstring.
R_DID_AGGREGATIONS = {
    "simple": (-0.0399512752, 0.0120340128),
    "group": (-0.0310182822, 0.0124460593),
    "event": (-0.0772398215, 0.0199649891),
    "calendar": (-0.0417004321, 0.0159718519),
}

#: (cohort, time) -> (ATT(g, t), analytic SE); item 2 (SEs: csdid's, see there).
R_DID_CELLS = {
    (2004, 2004): (-0.0105032, 0.0232510),
    (2006, 2007): (-0.0412245, 0.0202292),
    (2007, 2007): (-0.0260544, 0.0166554),
}

#: Simple ATT with ``xformla = ~lpop``, ``est_method = "reg"``: (estimate, analytic SE); item 3.
R_DID_COVARIATE_REG = (-0.0419686, 0.0114448)

#: (cohort, time) -> ATT(g, t) with ``base_period = "universal"`` (point estimates only); item 4.
R_DID_UNIVERSAL_BASE = {
    (2006, 2003): -0.003769294, (2006, 2004): 0.002750819, (2007, 2003): 0.003306357,
    (2007, 2004): 0.033813012, (2007, 2005): 0.031087119, (2004, 2007): -0.100811363,
}

#: fixest::feols(lemp ~ post | countyreal + year, cluster = "countyreal"); item 4.
FIXEST_TWFE = dict(estimate=-0.036549, se=0.013265, tstat=-2.75526, pvalue=0.006079)

#: Wald pre-test of parallel trends printed by summary(att_gt(...)); item 5.
R_DID_PRETEST_PVALUE = 0.16812
