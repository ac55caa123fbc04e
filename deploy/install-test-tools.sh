#!/usr/bin/env bash
# Tools the alert and report tests call as independent checkers:
#  - Python's `stix2` package (OASIS), which validates every STIX 2.1 bundle the tests produce;
#  - Debian's `chromium`, which renders report HTML headless for a screenshot check;
#  - Debian's `chromium-driver` (`chromedriver`), the W3C WebDriver server through which the
#    browser tests (tests/e2e/webdriver.rs) drive that headless chromium;
#  - the `openssl` command, the loopback RFC 3161 TSA of the evidence tests (`openssl ts -reply`)
#    and the recipient's checks (`openssl ts -verify`, `openssl pkeyutl -verify`);
#  - Python's `wacz` package (py-wacz, Webrecorder), whose `wacz validate` checks the packages
#    `soi evidence package` writes;
#  - Debian's `prometheus` (with `promtool`), which scrapes the stages in the observability test
#    and checks the shipped scrape config and alert rules.
# Idempotent: installs only what is missing. Run as root (apt-get) or with sudo.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  echo "== installing chromium (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
if ! command -v chromedriver >/dev/null; then
  echo "== installing chromium-driver (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-driver
fi
if ! command -v openssl >/dev/null; then
  echo "== installing openssl (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openssl
fi
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  echo "== installing prometheus (apt)"
  $SUDO apt-get update -qq
  # Not started as a service: the test runs its own on loopback.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus
fi
if ! command -v python3 >/dev/null; then
  echo "== installing python3 (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-pip
fi
if ! python3 -c 'import stix2' 2>/dev/null; then
  echo "== installing stix2 (pip)"
  python3 -m pip install --quiet stix2 || python3 -m pip install --quiet --break-system-packages stix2
fi
if ! command -v wacz >/dev/null; then
  echo "== installing wacz (pip)"
  python3 -m pip install --quiet wacz || python3 -m pip install --quiet --break-system-packages wacz
fi
echo "test tools ready: $(command -v chromium || command -v chromium-browser), $(chromedriver --version | head -1), $(openssl version), python3 stix2 $(python3 -c 'import stix2; print(stix2.__version__)'), $(wacz --version), $(prometheus --version 2>&1 | head -1)"
