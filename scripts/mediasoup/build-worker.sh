#!/usr/bin/env bash
# Builds mediasoup-worker from the mediasoup npm package's own sources with no downloads but Debian packages and
# meson from PyPI (these machines cannot fetch the prebuilt worker or meson's wrap-file subprojects). Called by
# scripts/mediasoup/worker.ts, which caches the binary keyed on the mediasoup version and this file's hash; on a
# normal machine the package's own install path is used and this script never runs.
#
# Each meson subproject mediasoup would download is replaced by a small stand-in that hands meson a Debian library:
#   libuv -> libuv1-dev, openssl -> libssl-dev, flatbuffers -> libflatbuffers-dev + flatbuffers-compiler (headers
#   generated at build time by the same flatc), abseil-cpp -> libabsl-dev, unordered_dense -> std containers (header),
#   libsrtp3 (versatica's fork, in no registry) -> a header implementing the calls mediasoup makes over libsrtp2.
# A libsrtp3 call that a later mediasoup adds fails at compile time, not silently: mediasoup is pinned exactly.
# One line of mediasoup's own sources is patched (below): its DTLS BIO callback answers 1 to every control query made
# on the BIO, and Debian's OpenSSL is built with kernel TLS, so `BIO_get_ktls_send()` on that BIO says yes and
# libssl allocates no write buffer: the worker died with SIGSEGV at the first ServerHello to Chromium. The callback
# now passes through the BIO's own answer for every return-phase call, as OpenSSL's callback contract says.
#
# Usage: build-worker.sh <node_modules/mediasoup> [build dir]; the last line printed is the binary's path.
set -euo pipefail

MS_DIR=$(cd "${1:?usage: $0 <node_modules/mediasoup> [build dir]}" && pwd)
BUILD_ROOT=${2:-$PWD/.mediasoup-worker-build}
MESON_VERSION=${MESON_VERSION:-1.12.0}
JOBS=${JOBS:-2}

NEEDED=(build-essential pkg-config python3-venv ninja-build libssl-dev libuv1-dev libabsl-dev libsrtp2-dev
  flatbuffers-compiler libflatbuffers-dev)
MISSING=()
for p in "${NEEDED[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || MISSING+=("$p"); done
if ((${#MISSING[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "error: building mediasoup-worker needs these Debian packages: ${MISSING[*]} (apt-get install them as root)" >&2
    exit 1
  fi
  echo "installing ${MISSING[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y --no-install-recommends "${MISSING[@]}" >/dev/null
fi

mkdir -p "$BUILD_ROOT"
BUILD_ROOT=$(cd "$BUILD_ROOT" && pwd)
# Meson >= 1.1 is required (Debian bookworm has 1.0.1): take it from PyPI.
if [ ! -x "$BUILD_ROOT/venv/bin/meson" ]; then
  python3 -m venv "$BUILD_ROOT/venv"
  "$BUILD_ROOT/venv/bin/pip" install -q "meson==$MESON_VERSION"
fi
MESON="$BUILD_ROOT/venv/bin/meson"

SRC="$BUILD_ROOT/worker"
rm -rf "$SRC"
cp -a "$MS_DIR/worker" "$SRC"
SP="$SRC/subprojects"
rm -rf "$SP"/*.wrap "$SP"/packagefiles
mkdir -p "$SP"/{libuv,openssl,libsrtp3/include,flatbuffers,abseil-cpp,unordered_dense/include/ankerl}
for d in libuv openssl libsrtp3; do : > "$SP/$d/empty.c"; done
for d in flatbuffers abseil-cpp; do : > "$SP/$d/empty.cpp"; done

# mediasoup's meson.build link_whole()s a library target from each subproject;
# the shims hand it an empty static library and carry the real system library
# in the dependency object.
cat > "$SP/libuv/meson.build" <<'EOF'
project('libuv', 'c', version: 'system')
libuv_dep = dependency('libuv', version: '>=1.44.0')
libuv = static_library('uv_shim', 'empty.c')
EOF
cat > "$SP/libuv/meson_options.txt" <<'EOF'
option('build_tests', type: 'boolean', value: false, description: 'ignored (shim)')
option('build_benchmarks', type: 'boolean', value: false, description: 'ignored (shim)')
EOF
cat > "$SP/openssl/meson.build" <<'EOF'
project('openssl', 'c', version: 'system')
openssl_dep = declare_dependency(dependencies: [dependency('libssl', version: '>=3.0.0'), dependency('libcrypto', version: '>=3.0.0')])
libcrypto_lib = static_library('crypto_shim', 'empty.c')
libssl_lib = static_library('ssl_shim', 'empty.c')
EOF
cat > "$SP/flatbuffers/meson.build" <<'EOF'
# flatc itself is found by fbs/FBS/meson.build via find_program('flatc').
project('flatbuffers', 'cpp', version: 'system')
flatbuffers_dep = dependency('flatbuffers')
flatbuffers_lib = static_library('flatbuffers_shim', 'empty.cpp')
EOF
cat > "$SP/abseil-cpp/meson.build" <<'EOF'
project('abseil-cpp', 'cpp', version: 'system')
absl_strings_dep = dependency('absl_strings')
absl_types_dep = dependency('absl_optional')
absl_container_dep = declare_dependency(dependencies: [dependency('absl_flat_hash_map'), dependency('absl_memory')])
absl_container_lib = static_library('absl_container_shim', 'empty.cpp')
EOF
cat > "$SP/unordered_dense/meson.build" <<'EOF'
project('ankerl-unordered-dense', 'cpp', version: 'std-shim')
ankerl_unordered_dense_dep = declare_dependency(include_directories: include_directories('include'))
EOF
cat > "$SP/unordered-dense.wrap" <<'EOF'
[wrap-file]
directory = unordered_dense

[provide]
unordered_dense = ankerl_unordered_dense_dep
EOF
cat > "$SP/unordered_dense/include/ankerl/unordered_dense.h" <<'EOF'
// Stand-in for ankerl/unordered_dense.h: the subset mediasoup uses, on std.
#ifndef ANKERL_UNORDERED_DENSE_STD_SHIM_H
#define ANKERL_UNORDERED_DENSE_STD_SHIM_H
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>
namespace ankerl::unordered_dense
{
	template<class T, class Enable = void>
	struct hash : std::hash<T>
	{
	};
	template<class Key, class T, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>,
	  class Alloc = std::allocator<std::pair<const Key, T>>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual, Alloc>;
	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>,
	  class Alloc = std::allocator<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual, Alloc>;
} // namespace ankerl::unordered_dense
#endif
EOF
cat > "$SP/libsrtp3/meson.build" <<'EOF'
project('libsrtp3', 'c', 'cpp', version: '3-compat-over-libsrtp2')
libsrtp3_dep = declare_dependency(
  include_directories: include_directories('include'),
  dependencies: dependency('libsrtp2', version: '>=2.4.0'),
)
libsrtp3 = static_library('srtp3_shim', 'empty.c')
EOF
cat > "$SP/libsrtp3/meson_options.txt" <<'EOF'
option('crypto-library', type: 'string', value: 'openssl', description: 'ignored (shim)')
option('crypto-library-kdf', type: 'feature', value: 'disabled', description: 'ignored (shim)')
option('tests', type: 'feature', value: 'disabled', description: 'ignored (shim)')
EOF
cat > "$SP/libsrtp3/include/srtp.h" <<'EOF'
// libsrtp3 API (as used by mediasoup >= 3.23) implemented over libsrtp 2.x.
#ifndef MS_LIBSRTP3_COMPAT_SRTP_H
#define MS_LIBSRTP3_COMPAT_SRTP_H
#ifndef __cplusplus
#error "C++ only"
#endif
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
// libsrtp2's srtp_policy_t is a struct; libsrtp3's is an opaque handle.
#define srtp_policy_t srtp2_policy_struct_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

inline constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

struct srtp3_compat_policy
{
	srtp2_policy_struct_t policy;
	unsigned char key[SRTP_MAX_KEY_LEN + 64];
};
typedef srtp3_compat_policy* srtp_policy_t;

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (!policy)
		return srtp_err_status_bad_param;
	auto* p = new (std::nothrow) srtp3_compat_policy{};
	if (!p)
		return srtp_err_status_alloc_fail;
	std::memset(p, 0, sizeof(*p));
	p->policy.key = p->key;
	*policy       = p;
	return srtp_err_status_ok;
}
inline void srtp_policy_destroy(srtp_policy_t policy)
{
	if (policy)
	{
		std::memset(policy->key, 0, sizeof(policy->key));
		delete policy;
	}
}
inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (!policy)
		return srtp_err_status_bad_param;
	policy->policy.ssrc = ssrc;
	return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (!policy)
		return srtp_err_status_bad_param;
	const srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->policy.rtp, profile);
	if (err != srtp_err_status_ok)
		return err;
	return srtp_crypto_policy_set_from_profile_for_rtcp(&policy->policy.rtcp, profile);
}
inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy, const uint8_t* key, size_t keyLen, const uint8_t* salt, size_t saltLen,
  const uint8_t* mki, size_t mkiLen)
{
	if (!policy || !key || !salt || mki || mkiLen != 0 || keyLen + saltLen > sizeof(policy->key))
		return srtp_err_status_bad_param;
	std::memcpy(policy->key, key, keyLen);
	std::memcpy(policy->key + keyLen, salt, saltLen);
	policy->policy.key = policy->key;
	return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (!policy)
		return srtp_err_status_bad_param;
	policy->policy.allow_repeat_tx = allow ? 1 : 0;
	return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t windowSize)
{
	if (!policy)
		return srtp_err_status_bad_param;
	policy->policy.window_size = windowSize;
	return srtp_err_status_ok;
}
inline srtp_err_status_t srtp_create(srtp_t* session, srtp_policy_t policy)
{
	return srtp_create(session, policy ? &policy->policy : nullptr);
}
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
namespace srtp3_compat
{
	// libsrtp3 transforms in -> out (out may equal in); libsrtp2 works in place.
	template<typename Fn>
	inline srtp_err_status_t Transform(
	  Fn fn, srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen, size_t extra)
	{
		if (!in || !out || !outLen || inLen > static_cast<size_t>(INT32_MAX))
			return srtp_err_status_bad_param;
		if (*outLen < inLen + extra)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, inLen);
		int len                     = static_cast<int>(inLen);
		const srtp_err_status_t err = fn(ctx, out, &len);
		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);
		return err;
	}
} // namespace srtp3_compat
inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	return srtp3_compat::Transform(
	  [](srtp_t c, void* p, int* l) { return srtp_protect(c, p, l); }, ctx, rtp, rtpLen, srtp, srtpLen,
	  SRTP_MAX_TRAILER_LEN);
}
inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return srtp3_compat::Transform(
	  [](srtp_t c, void* p, int* l) { return srtp_unprotect(c, p, l); }, ctx, srtp, srtpLen, rtp, rtpLen, 0);
}
inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	return srtp3_compat::Transform(
	  [](srtp_t c, void* p, int* l) { return srtp_protect_rtcp(c, p, l); }, ctx, rtcp, rtcpLen, srtcp,
	  srtcpLen, SRTP_MAX_TRAILER_LEN);
}
inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return srtp3_compat::Transform(
	  [](srtp_t c, void* p, int* l) { return srtp_unprotect_rtcp(c, p, l); }, ctx, srtcp, srtcpLen, rtcp,
	  rtcpLen, 0);
}
#endif
EOF

cd "$SRC"
DTLS_SRC=src/RTC/DtlsTransport.cpp
BIO_CB_OLD='(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1'
BIO_CB_NEW='(operationType \& BIO_CB_RETURN) ? static_cast<long>(ret) : 1'
if ! grep -qF "$BIO_CB_OLD" "$DTLS_SRC"; then
  echo "error: $DTLS_SRC no longer has the BIO callback line this script patches; check it by hand" >&2
  exit 1
fi
sed -i "s/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1/$BIO_CB_NEW/" "$DTLS_SRC"
grep -qF '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1' "$DTLS_SRC"
"$MESON" setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true \
  ${MESON_ARGS:-} out/Release >/dev/null
nice -n "${NICE:-10}" "$MESON" compile -C out/Release -j "$JOBS" mediasoup-worker
echo "$SRC/out/Release/mediasoup-worker"
