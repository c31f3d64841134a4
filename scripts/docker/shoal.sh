#!/bin/sh
# `shoal` on the image's PATH (installed as /usr/local/bin/shoal).
exec node /app/packages/cli/dist/main.js "$@"
