// The LVS engine's only native code: open sockets and devices, move batches of packets between
// the kernel and caller-provided Buffers, and tell JS when an fd is readable. No packet logic here.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <node_api.h>
#include <uv.h>

#define MAX_BATCH 256

// ---- errors: every failure becomes a JS Error with code = errno name (EPERM, ENODEV …) ----

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value code, message, error;
  napi_create_string_utf8(env, uv_err_name(-err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_value errnoValue;
  napi_create_int32(env, err, &errnoValue);
  napi_set_named_property(env, error, "errno", errnoValue);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "FULCRUM_ERR_LVS_NATIVE_ARG", msg);
  return NULL;
}

#define ARGS(n)                                                              \
  size_t argc = n;                                                           \
  napi_value argv[n];                                                        \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);                      \
  if (argc < n) return throw_type(env, "missing arguments");

static int get_i32(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

static napi_value int_value(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

static int get_buffer(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  return napi_get_buffer_info(env, v, (void **)data, len) == napi_ok;
}

static int get_u32_array(napi_env env, napi_value v, uint32_t **data, size_t *len) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, len, (void **)data, &ab, &offset) != napi_ok) return 0;
  return type == napi_uint32_array;
}

static int get_u8_array(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, len, (void **)data, &ab, &offset) != napi_ok) return 0;
  return type == napi_uint8_array;
}

// ---- AF_PACKET ----

// openPacket(ifname, vnetHdr, ignoreOutgoing, bpf: Buffer | null) → fd
// The filter is attached before bind, so no unfiltered frame is ever queued.
static napi_value open_packet(napi_env env, napi_callback_info info) {
  ARGS(4);
  char ifname[IF_NAMESIZE + 1];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &n) != napi_ok) return throw_type(env, "ifname must be a string");
  bool vnet, ignoreOut;
  napi_get_value_bool(env, argv[1], &vnet);
  napi_get_value_bool(env, argv[2], &ignoreOut);
  unsigned ifindex = if_nametoindex(ifname);
  if (ifindex == 0) return throw_errno(env, ifname, errno);

  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket(AF_PACKET)", errno);
  int one = 1;
  if (vnet && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0) goto fail_vnet;
  if (ignoreOut && setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0) goto fail_ignore;
  napi_valuetype t;
  napi_typeof(env, argv[3], &t);
  if (t != napi_null && t != napi_undefined) {
    uint8_t *code;
    size_t codeLen;
    if (!get_buffer(env, argv[3], &code, &codeLen) || codeLen % 8 != 0 || codeLen == 0) {
      close(fd);
      return throw_type(env, "bpf must be a Buffer of 8-byte instructions");
    }
    struct sock_fprog prog = {.len = (unsigned short)(codeLen / 8), .filter = (struct sock_filter *)code};
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) goto fail_bpf;
  }
  int rcvbuf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_ll sll = {0};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = (int)ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) goto fail_bind;
  return int_value(env, fd);

fail_vnet: { int e = errno; close(fd); return throw_errno(env, "setsockopt(PACKET_VNET_HDR)", e); }
fail_ignore: { int e = errno; close(fd); return throw_errno(env, "setsockopt(PACKET_IGNORE_OUTGOING)", e); }
fail_bpf: { int e = errno; close(fd); return throw_errno(env, "setsockopt(SO_ATTACH_FILTER)", e); }
fail_bind: { int e = errno; close(fd); return throw_errno(env, "bind(AF_PACKET)", e); }
}

// setFilter(fd, bpf: Buffer) → undefined
// Replaces the BPF program of an open socket; the kernel swaps it atomically (real servers added at runtime).
static napi_value set_filter(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd;
  if (!get_i32(env, argv[0], &fd)) return throw_type(env, "fd must be a number");
  uint8_t *code;
  size_t codeLen;
  if (!get_buffer(env, argv[1], &code, &codeLen) || codeLen % 8 != 0 || codeLen == 0) return throw_type(env, "bpf must be a Buffer of 8-byte instructions");
  struct sock_fprog prog = {.len = (unsigned short)(codeLen / 8), .filter = (struct sock_filter *)code};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) return throw_errno(env, "setsockopt(SO_ATTACH_FILTER)", errno);
  return NULL;
}

// recvBatch(fd, buf, slotSize, headroom, maxCount, lengths: Uint32Array, pktTypes: Uint8Array) → count
// Packet i lands at buf[i*slotSize + headroom]; lengths[i] is its length (bytes beyond the slot are lost:
// pktTypes[i] has bit 0x80 set when truncated). 0 means nothing is waiting.
static napi_value recv_batch(napi_env env, napi_callback_info info) {
  ARGS(7);
  int32_t fd, slot, headroom, maxCount;
  uint8_t *buf, *types;
  size_t bufLen, lenLen, typesLen;
  uint32_t *lengths;
  if (!get_i32(env, argv[0], &fd) || !get_buffer(env, argv[1], &buf, &bufLen) || !get_i32(env, argv[2], &slot) ||
      !get_i32(env, argv[3], &headroom) || !get_i32(env, argv[4], &maxCount) ||
      !get_u32_array(env, argv[5], &lengths, &lenLen) || !get_u8_array(env, argv[6], &types, &typesLen))
    return throw_type(env, "recvBatch(fd, buf, slotSize, headroom, maxCount, Uint32Array, Uint8Array)");
  if (slot <= headroom || headroom < 0 || maxCount <= 0) return throw_type(env, "bad slot size or headroom");
  size_t count = (size_t)maxCount;
  if (count > MAX_BATCH) count = MAX_BATCH;
  if (count > bufLen / (size_t)slot) count = bufLen / (size_t)slot;
  if (count > lenLen) count = lenLen;
  if (count > typesLen) count = typesLen;
  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  struct sockaddr_storage addrs[MAX_BATCH];
  memset(msgs, 0, sizeof(struct mmsghdr) * count);
  for (size_t i = 0; i < count; i++) {
    iov[i].iov_base = buf + i * (size_t)slot + (size_t)headroom;
    iov[i].iov_len = (size_t)(slot - headroom);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &addrs[i];
    msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
  }
  int got = recvmmsg(fd, msgs, (unsigned)count, MSG_DONTWAIT, NULL);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return int_value(env, 0);
    return throw_errno(env, "recvmmsg", errno);
  }
  for (int i = 0; i < got; i++) {
    lengths[i] = msgs[i].msg_len;
    uint8_t type = 0;
    if (addrs[i].ss_family == AF_PACKET) type = ((struct sockaddr_ll *)&addrs[i])->sll_pkttype & 0x7f;
    if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) type |= 0x80;
    types[i] = type;
  }
  return int_value(env, got);
}

// sendBatch(fd, buf, offsets: Uint32Array, lengths: Uint32Array, count) → number sent
// Works for any connected or bound socket (AF_PACKET bound to an interface, raw IP with a header).
static napi_value send_batch(napi_env env, napi_callback_info info) {
  ARGS(5);
  int32_t fd, count;
  uint8_t *buf;
  size_t bufLen, offLen, lenLen;
  uint32_t *offsets, *lengths;
  if (!get_i32(env, argv[0], &fd) || !get_buffer(env, argv[1], &buf, &bufLen) ||
      !get_u32_array(env, argv[2], &offsets, &offLen) || !get_u32_array(env, argv[3], &lengths, &lenLen) ||
      !get_i32(env, argv[4], &count))
    return throw_type(env, "sendBatch(fd, buf, Uint32Array offsets, Uint32Array lengths, count)");
  if (count < 0 || (size_t)count > offLen || (size_t)count > lenLen) return throw_type(env, "count exceeds arrays");
  int sent = 0;
  while (sent < count) {
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    int n = count - sent;
    if (n > MAX_BATCH) n = MAX_BATCH;
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)n);
    for (int i = 0; i < n; i++) {
      uint32_t off = offsets[sent + i], len = lengths[sent + i];
      if ((size_t)off + len > bufLen) return throw_type(env, "packet outside buffer");
      iov[i].iov_base = buf + off;
      iov[i].iov_len = len;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int r = sendmmsg(fd, msgs, (unsigned)n, MSG_DONTWAIT);
    if (r < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR) break;
      if (sent > 0) break;
      return throw_errno(env, "sendmmsg", errno);
    }
    sent += r;
    if (r < n) break;
  }
  return int_value(env, sent);
}

// ---- raw IP and TUN ----

// openRawIp(protocol) → fd. Receives whole IPv4 packets of that protocol (e.g. 4 for IPIP, 47 for GRE);
// holding it also stops the kernel from answering them with ICMP protocol-unreachable.
static napi_value open_raw_ip(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t proto;
  if (!get_i32(env, argv[0], &proto) || proto < 0 || proto > 255) return throw_type(env, "protocol must be 0..255");
  int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) return throw_errno(env, "socket(AF_INET, SOCK_RAW)", errno);
  int rcvbuf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
  return int_value(env, fd);
}

// openTun(name) → { fd, name }. A layer-3 TUN without packet-info prefix: write() takes a bare IP packet.
static napi_value open_tun(napi_env env, napi_callback_info info) {
  ARGS(1);
  char name[IF_NAMESIZE + 1];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &n) != napi_ok) return throw_type(env, "name must be a string");
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, "open(/dev/net/tun)", errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  memcpy(ifr.ifr_name, name, n < IF_NAMESIZE ? n : IF_NAMESIZE - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "ioctl(TUNSETIFF)", e);
  }
  napi_value result, fdValue, nameValue;
  napi_create_object(env, &result);
  fdValue = int_value(env, fd);
  napi_create_string_utf8(env, ifr.ifr_name, NAPI_AUTO_LENGTH, &nameValue);
  napi_set_named_property(env, result, "fd", fdValue);
  napi_set_named_property(env, result, "name", nameValue);
  return result;
}

// write(fd, buf, offset, length) → bytes written, or -1 when the fd would block.
static napi_value write_fd(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t fd, off, len;
  uint8_t *buf;
  size_t bufLen;
  if (!get_i32(env, argv[0], &fd) || !get_buffer(env, argv[1], &buf, &bufLen) || !get_i32(env, argv[2], &off) ||
      !get_i32(env, argv[3], &len) || off < 0 || len < 0 || (size_t)off + (size_t)len > bufLen)
    return throw_type(env, "write(fd, buf, offset, length) within the buffer");
  ssize_t r = write(fd, buf + off, (size_t)len);
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return int_value(env, -1);
    return throw_errno(env, "write", errno);
  }
  return int_value(env, r);
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t fd;
  if (!get_i32(env, argv[0], &fd)) return throw_type(env, "fd must be a number");
  if (close(fd) < 0) return throw_errno(env, "close", errno);
  return NULL;
}

// ---- readiness: a uv_poll per fd that calls a JS function when the fd is readable ----

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
  int closeFd;
} Watch;

static void on_watch_closed(uv_handle_t *handle) {
  Watch *w = (Watch *)handle->data;
  if (w->closeFd) close(w->fd);
  free(w);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  Watch *w = (Watch *)handle->data;
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, recv, arg;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &recv);  // make_callback converts its receiver to an object: undefined would throw
  napi_create_int32(env, status, &arg);
  napi_value result;
  // make_callback runs microtasks afterwards, so promise work started by the handler proceeds.
  if (napi_make_callback(env, w->context, recv, cb, 1, &arg, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

static void finalize_watch(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  (void)hint;  // the Watch is freed by unwatch(); a forgotten one lives as long as the process.
}

// watch(fd, onReadable) → handle
static napi_value watch_fd(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd;
  if (!get_i32(env, argv[0], &fd)) return throw_type(env, "fd must be a number");
  Watch *w = calloc(1, sizeof *w);
  if (!w) return throw_errno(env, "calloc", ENOMEM);
  w->env = env;
  w->fd = fd;
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int r = uv_poll_init(loop, &w->poll, fd);
  if (r < 0) {
    free(w);
    return throw_errno(env, "uv_poll_init", -r);
  }
  w->poll.data = w;
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_value name;
  napi_create_string_utf8(env, "fulcrum-lvs-watch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->context);
  uv_poll_start(&w->poll, UV_READABLE, on_readable);
  napi_value handle;
  napi_create_external(env, w, finalize_watch, NULL, &handle);
  return handle;
}

// unwatch(handle, closeFd) — stops polling; closes the fd once libuv has let go of it.
static napi_value unwatch_fd(napi_env env, napi_callback_info info) {
  ARGS(2);
  Watch *w;
  if (napi_get_value_external(env, argv[0], (void **)&w) != napi_ok || !w) return throw_type(env, "not a watch handle");
  bool closeFd;
  napi_get_value_bool(env, argv[1], &closeFd);
  if (w->callback == NULL) return NULL;  // already stopped
  uv_poll_stop(&w->poll);
  napi_delete_reference(env, w->callback);
  w->callback = NULL;
  napi_async_destroy(env, w->context);
  w->closeFd = closeFd;
  uv_close((uv_handle_t *)&w->poll, on_watch_closed);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"openPacket", NULL, open_packet, NULL, NULL, NULL, napi_default, NULL},
      {"setFilter", NULL, set_filter, NULL, NULL, NULL, napi_default, NULL},
      {"recvBatch", NULL, recv_batch, NULL, NULL, NULL, napi_default, NULL},
      {"sendBatch", NULL, send_batch, NULL, NULL, NULL, napi_default, NULL},
      {"openRawIp", NULL, open_raw_ip, NULL, NULL, NULL, napi_default, NULL},
      {"openTun", NULL, open_tun, NULL, NULL, NULL, napi_default, NULL},
      {"write", NULL, write_fd, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
      {"watch", NULL, watch_fd, NULL, NULL, NULL, napi_default, NULL},
      {"unwatch", NULL, unwatch_fd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
