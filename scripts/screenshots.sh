#!/usr/bin/env bash
# Regenerates the README's screenshots (assets/screenshot-*.svg) from a real run: the wizard's
# end-to-end test drives `cmek --sandbox setup` in tmux and saves the screens with their colours;
# rich (pinned, in ./.venv) turns them into SVG. Nothing is drawn by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

RICH_VERSION=15.0.0
scripts/install-test-peers.sh >/dev/null
.venv/bin/python -m pip install --quiet --disable-pip-version-check "rich==${RICH_VERSION}"

captures="$(mktemp -d)"
trap 'rm -rf "$captures"' EXIT
CMEK_SCREENSHOTS_DIR="$captures" cargo test --quiet --locked --test it \
  wizard_tmux::the_wizard_takes_a_person_from_welcome_to_an_attached_key >/dev/null

for name in plan plan-policy summary; do
  .venv/bin/python - "$captures/$name.ansi" "assets/screenshot-$name.svg" "$name" <<'PY'
import sys
from rich.console import Console
from rich.text import Text

source, target, name = sys.argv[1], sys.argv[2], sys.argv[3]
with open(source, encoding="utf-8") as f:
    # rich's ANSI decoder swallows the character after a lone "default background" code; it
    # changes nothing visible, so drop it.
    screen = f.read().rstrip("\n").replace("\x1b[49m", "")
console = Console(record=True, width=100, force_terminal=True, color_system="truecolor", file=open("/dev/null", "w"))
console.print(Text.from_ansi(screen), soft_wrap=True)
console.save_svg(target, title=f"cmek --sandbox setup: {name}")
PY
  echo "wrote assets/screenshot-$name.svg"
done
