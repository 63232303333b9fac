#include "run_anvil/launcher/docker/http_transport.h"

#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "run_anvil/launcher/docker/docker_endpoint.h"
#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/docker/ssh_tunnel.h"

namespace run_anvil::launcher {
namespace {

using std::chrono::milliseconds;

// A local socket either accepts at once or not at all; a remote daemon gets a little longer.
constexpr milliseconds kUnixConnectTimeout{1000};
constexpr milliseconds kTcpConnectTimeout{2000};

// How often an in-flight request looks for a cancellation (a signal): well under the second
// within which an interrupted launcher must exit.
constexpr milliseconds kCancelPoll{50};
// Calls made while an error or a signal unwinds (RAII cleanup such as removing a probe container)
// are not cancelled, but get at most this long, so cleanup cannot hold the exit hostage.
constexpr milliseconds kCleanupTimeout{5000};
// Connections open at once over one ssh login: below sshd's default MaxSessions (10).
constexpr std::size_t kSshSessions = 8;
// Logging in over ssh may take a few seconds before the first byte of HTTP.
constexpr milliseconds kSshConnectTimeout{45000};

// True inside a destructor run by unwinding, or inside a catch block.
bool cleaning_up() { return std::uncaught_exceptions() > 0 || std::current_exception(); }

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct MultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// An easy handle inside a multi handle for the duration of one transfer. The multi handle owns
// the connection cache, so a kept-alive connection survives from one request to the next; one
// removed mid-transfer is closed, never reused half-read.
class Attached {
 public:
  Attached(CURLM* multi, CURL* easy) : multi_(multi), easy_(easy) {
    if (curl_multi_add_handle(multi_, easy_) != CURLM_OK) {
      throw Error("cannot start a libcurl transfer (out of memory?)");
    }
  }
  ~Attached() { curl_multi_remove_handle(multi_, easy_); }
  Attached(const Attached&) = delete;
  Attached& operator=(const Attached&) = delete;

 private:
  CURLM* multi_;
  CURL* easy_;
};

void init_curl_once() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    throw Error(std::string("cannot initialise libcurl: ") + curl_easy_strerror(result));
  }
}

// An error body is a message: 64 KiB is plenty, and a streaming caller keeps no more.
constexpr std::size_t kMaxErrorBody = 64 * 1024;

// Where a response body goes: into `body`, or (when `sink` is set and the status is a success)
// to the sink piece by piece.
struct BodyTarget {
  CURL* curl;
  std::string* body;
  const BodySink* sink;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* target = static_cast<BodyTarget*>(user);
  const size_t n = size * count;
  if (target->sink == nullptr) {
    target->body->append(data, n);
    return n;
  }
  long status = 0;
  curl_easy_getinfo(target->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 400) {
    (*target->sink)(std::string_view(data, n));
  } else if (target->body->size() < kMaxErrorBody) {
    target->body->append(data, std::min(n, kMaxErrorBody - target->body->size()));
  }
  return n;
}

// One header line ("Api-Version: 1.41\r\n") into the map; the status line and the blank end
// line have no colon and are skipped. A redirect or 100-continue would start a new set, but
// the daemon sends neither.
size_t collect_header(char* data, size_t size, size_t count, void* user) {
  const std::string_view line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = std::string(value);
  }
  return size * count;
}

class CurlTransport final : public HttpTransport {
 public:
  CurlTransport(const DockerEndpoint& endpoint, std::function<void()> check_cancelled)
      : endpoint_(endpoint.host),
        tls_(endpoint.tls),
        target_(parse_docker_endpoint(endpoint_, tls_.has_value())),
        check_cancelled_(std::move(check_cancelled)) {
    init_curl_once();
    if (target_.kind == DialTarget::Kind::Ssh) {
      ssh_ = std::make_unique<SshTunnel>(target_);
      ssh_path_ = ssh_->socket_path();
    }
  }

  HttpResponse request(const std::string& method, const std::string& path, const std::string& body,
                       milliseconds timeout) override {
    return send(method, path, body, timeout, nullptr);
  }

  HttpResponse request_streaming(const std::string& method, const std::string& path,
                                 const std::string& body, milliseconds timeout,
                                 const BodySink& sink) override {
    return send(method, path, body, timeout, &sink);
  }

  HttpResponse hijack(const std::string& path, const std::string& body, std::string_view payload,
                      milliseconds timeout) override {
    const bool cleanup = cleaning_up();
    if (check_cancelled_ && !cleanup) check_cancelled_();
    RawConnection raw(*this, timeout, cleanup ? std::function<void()>() : check_cancelled_);
    raw.send_all("POST " + path +
                 " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n" +
                 "Content-Length: " + std::to_string(body.size()) +
                 "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n" + body);
    HttpResponse response = raw.read_head();
    if (response.status == 101 || response.status == 200) raw.send_all(payload);
    return response;
  }

  HttpResponse send(const std::string& method, const std::string& path, const std::string& body,
                    milliseconds timeout, const BodySink* sink) {
    const bool cleanup = cleaning_up();
    if (check_cancelled_ && !cleanup) check_cancelled_();
    Lease lease(*this);
    CURL* curl = lease.handle();
    // Reset keeps the live connection (keep-alive) but drops the previous request's options.
    curl_easy_reset(curl);

    HttpResponse response;
    char error_text[CURL_ERROR_SIZE] = {};
    HeaderList headers(curl_slist_append(nullptr, "Expect:"));
    if (!body.empty()) {
      headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
    }
    const std::string url = target_.base_url + path;
    // curl treats a zero timeout as "wait forever"; every call here must end.
    const milliseconds total =
        std::max(cleanup ? std::min(timeout, kCleanupTimeout) : timeout, milliseconds(1));
    const milliseconds connect = std::min(total, connect_timeout());

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    if (target_.is_unix) {
      curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, target_.socket_path.c_str());
    }
    // http_proxy must not hijack a local socket, nor the daemon's own TCP port or ssh tunnel
    // (the docker CLI does not proxy the Engine API either).
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    if (ssh_) {
      // Logged in (or an error in ssh's words) before curl dials the tunnel's socket.
      ssh_->ready();
      curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, ssh_path_.c_str());
    }
    if (tls_) set_tls(curl);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM games in a threaded process
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    BodyTarget target{curl, &response.body, sink};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &target);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    if (method == "GET") {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);  // a HEAD answer has no body to wait for
    } else {
      if (method == "POST" || !body.empty()) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
      }
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }

    const CURLcode rc = perform(lease, cleanup ? std::function<void()>() : check_cancelled_);
    if (rc != CURLE_OK) throw unavailable(curl, rc, error_text, method, path, total);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

  std::string endpoint() const override { return endpoint_; }
  bool is_local() const override { return target_.is_unix; }

 private:
  milliseconds connect_timeout() const {
    switch (target_.kind) {
      case DialTarget::Kind::Unix:
        return kUnixConnectTimeout;
      case DialTarget::Kind::Tcp:
        return kTcpConnectTimeout;
      case DialTarget::Kind::Ssh:
        return kSshConnectTimeout;
    }
    return kTcpConnectTimeout;
  }

  // As the docker CLI: the daemon's certificate is checked against ca.pem (and its name or IP
  // against the endpoint) unless verification is off; cert.pem/key.pem identify the client.
  void set_tls(CURL* curl) const {
    if (!tls_->ca.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, tls_->ca.c_str());
    if (!tls_->cert.empty()) curl_easy_setopt(curl, CURLOPT_SSLCERT, tls_->cert.c_str());
    if (!tls_->key.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, tls_->key.c_str());
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, tls_->verify ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, tls_->verify ? 2L : 0L);
  }

  struct Handles {
    EasyHandle easy;
    MultiHandle multi;
  };

  // A connection of its own (never returned to the pool: the daemon takes it over), driven by
  // hand with curl_easy_send/recv so the same socket path, TCP and TLS settings apply. Every
  // wait is sliced so a cancellation (a signal) is noticed, and bounded by the deadline.
  class RawConnection {
   public:
    RawConnection(CurlTransport& owner, milliseconds timeout, std::function<void()> cancelled)
        : owner_(owner),
          easy_(curl_easy_init()),
          deadline_(std::chrono::steady_clock::now() + std::max(timeout, milliseconds(1))),
          check_cancelled_(std::move(cancelled)) {
      if (!easy_) throw Error("cannot create a libcurl handle (out of memory?)");
      CURL* curl = easy_.get();
      const std::string url = owner_.target_.base_url + "/";
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
      if (owner_.target_.is_unix) {
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, owner_.target_.socket_path.c_str());
      }
      curl_easy_setopt(curl, CURLOPT_PROXY, "");
      if (owner_.ssh_) {
        owner_.ssh_->ready();
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, owner_.ssh_path_.c_str());
      }
      if (owner_.tls_) owner_.set_tls(curl);
      curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
      const milliseconds connect = std::min(timeout, owner_.connect_timeout());
      curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
      char error_text[CURL_ERROR_SIZE] = {};
      curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
      const CURLcode rc = curl_easy_perform(curl);
      curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
      if (rc != CURLE_OK)
        throw owner_.unavailable(curl, rc, error_text, "POST", "(attach)", timeout);
      curl_socket_t socket = CURL_SOCKET_BAD;
      curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket);
      socket_ = socket;
    }

    void send_all(std::string_view data) {
      while (!data.empty()) {
        size_t sent = 0;
        const CURLcode rc = curl_easy_send(easy_.get(), data.data(), data.size(), &sent);
        if (rc == CURLE_AGAIN) {
          wait(POLLOUT);
          continue;
        }
        if (rc != CURLE_OK) throw lost();
        data.remove_prefix(sent);
      }
    }

    // The status line and headers; for an error status also its (short) body.
    HttpResponse read_head() {
      std::string buffer;
      std::size_t end = std::string::npos;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (buffer.size() > kMaxErrorBody) throw lost();
        if (!receive(buffer)) throw lost();
      }
      HttpResponse response;
      const auto space = buffer.find(' ');
      if (space == std::string::npos || space > end) throw lost();
      response.status = std::atoi(buffer.c_str() + space + 1);
      if (response.status >= 400) {
        response.body = buffer.substr(end + 4);
        while (response.body.size() < 4096 && receive(response.body)) {
        }
      }
      return response;
    }

   private:
    // Appends what arrives; false once the peer closed.
    bool receive(std::string& into) {
      char chunk[4096];
      for (;;) {
        size_t got = 0;
        const CURLcode rc = curl_easy_recv(easy_.get(), chunk, sizeof chunk, &got);
        if (rc == CURLE_AGAIN) {
          wait(POLLIN);
          continue;
        }
        if (rc != CURLE_OK) throw lost();
        into.append(chunk, got);
        return got > 0;
      }
    }

    void wait(short events) {
      for (;;) {
        if (check_cancelled_) check_cancelled_();
        const auto left =
            std::chrono::duration_cast<milliseconds>(deadline_ - std::chrono::steady_clock::now());
        if (left <= milliseconds(0)) {
          throw DaemonUnavailable("the Docker daemon at " + owner_.endpoint_ +
                                  " did not take over the attach connection in time");
        }
        pollfd p{socket_, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min(left, kCancelPoll).count()));
        if (n > 0) return;
      }
    }

    DaemonUnavailable lost() const {
      return DaemonUnavailable("lost the connection to the Docker daemon at " + owner_.endpoint_ +
                               " while attaching");
    }

    CurlTransport& owner_;
    EasyHandle easy_;
    std::chrono::steady_clock::time_point deadline_;
    std::function<void()> check_cancelled_;
    curl_socket_t socket_ = CURL_SOCKET_BAD;
  };

  // Borrows an idle handle (or makes one) and gives it back afterwards, so each thread that is
  // mid-request has its own handle and finished handles keep their connection for the next call.
  class Lease {
   public:
    explicit Lease(CurlTransport& owner) : owner_(owner) {
      {
        std::unique_lock lock(owner_.pool_mutex_);
        // Over ssh every handle holds one session on the shared login, idle or not: wait for
        // one to come back rather than exceed sshd's limit.
        if (owner_.ssh_) {
          owner_.returned_.wait(
              lock, [&] { return !owner_.idle_.empty() || owner_.handles_made_ < kSshSessions; });
        }
        if (!owner_.idle_.empty()) {
          handle_ = std::move(owner_.idle_.back());
          owner_.idle_.pop_back();
        } else {
          ++owner_.handles_made_;
        }
      }
      if (!handle_.easy) handle_.easy.reset(curl_easy_init());
      if (!handle_.multi) handle_.multi.reset(curl_multi_init());
      if (!handle_.easy || !handle_.multi) {
        throw Error("cannot create a libcurl handle (out of memory?)");
      }
    }
    ~Lease() {
      {
        std::lock_guard lock(owner_.pool_mutex_);
        owner_.idle_.push_back(std::move(handle_));
      }
      owner_.returned_.notify_one();
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    CURL* handle() const { return handle_.easy.get(); }
    CURLM* multi() const { return handle_.multi.get(); }

   private:
    CurlTransport& owner_;
    Handles handle_;
  };

  // Runs the transfer in short slices so a cancellation (a signal) is noticed within
  // kCancelPoll even while the daemon is silent; check_cancelled throws to abandon it.
  CURLcode perform(const Lease& lease, const std::function<void()>& check_cancelled) {
    Attached attached(lease.multi(), lease.handle());
    for (;;) {
      int running = 0;
      const CURLMcode mc = curl_multi_perform(lease.multi(), &running);
      if (mc != CURLM_OK) {
        throw DaemonUnavailable(std::string("libcurl failed talking to the Docker daemon at ") +
                                endpoint_ + ": " + curl_multi_strerror(mc));
      }
      int queued = 0;
      while (CURLMsg* message = curl_multi_info_read(lease.multi(), &queued)) {
        if (message->msg == CURLMSG_DONE) return message->data.result;
      }
      if (check_cancelled) check_cancelled();
      curl_multi_poll(lease.multi(), nullptr, 0, static_cast<int>(kCancelPoll.count()), nullptr);
    }
  }

  DaemonUnavailable unavailable(CURL* curl, CURLcode rc, const char* error_text,
                                const std::string& method, const std::string& path,
                                milliseconds total) const {
    long os_errno = 0;
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
    // Bytes sent means the connection (possibly a reused one) was up, so the daemon is there.
    long request_bytes = 0;
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_bytes);
    const bool connected = request_bytes > 0;

    if (rc == CURLE_OPERATION_TIMEDOUT && connected) {
      return DaemonUnavailable("the Docker daemon at " + endpoint_ + " did not answer " + method +
                               " " + path + " within " + std::to_string(total.count()) +
                               " ms; it is overloaded or stuck (does `docker info` answer? "
                               "restarting dockerd may help)");
    }
    std::string reason = os_errno != 0           ? std::strerror(static_cast<int>(os_errno))
                         : error_text[0] != '\0' ? error_text
                                                 : curl_easy_strerror(rc);
    std::string hint = "is dockerd running? (set DOCKER_HOST to use another)";
    if (os_errno == EACCES) hint = "is your user allowed to use it (e.g. in the docker group)?";
    if (ssh_) {
      const std::string said = ssh_->diagnostics();
      hint = "does `" + shell_words(ssh_->connection_argv()) + "` work?" +
             (said.empty() ? "" : " ssh said: " + said);
    } else if (tls_ && (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
                        rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CACERT_BADFILE)) {
      hint =
          "the TLS handshake failed: check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) "
          "matches the daemon's --tlscacert/--tlscert";
    }
    if (connected) {
      return DaemonUnavailable("lost the connection to the Docker daemon at " + endpoint_ +
                               " during " + method + " " + path + " (" + reason +
                               "); was it restarted? Run again once `docker info` answers: the "
                               "next launch picks up whatever this one left half-made");
    }
    return DaemonUnavailable("cannot reach the Docker daemon at " + endpoint_ + " (" + reason +
                             "); " + hint);
  }

  static std::string shell_words(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& word : argv) {
      if (!out.empty()) out += ' ';
      out += word;
    }
    return out;
  }

  const std::string endpoint_;
  const std::optional<TlsFiles> tls_;
  const DialTarget target_;
  const std::function<void()> check_cancelled_;
  // Declared before the handles: their connections are closed through it when they go.
  std::unique_ptr<SshTunnel> ssh_;
  std::string ssh_path_;
  std::mutex pool_mutex_;
  std::condition_variable returned_;
  std::size_t handles_made_ = 0;  // guarded by pool_mutex_
  std::vector<Handles> idle_;
};

}  // namespace

HttpResponse HttpTransport::request_streaming(const std::string& method, const std::string& path,
                                              const std::string& body,
                                              std::chrono::milliseconds timeout,
                                              const BodySink& sink) {
  HttpResponse response = request(method, path, body, timeout);
  if (response.status < 400) {
    sink(response.body);
    response.body.clear();
  }
  return response;
}

HttpResponse HttpTransport::hijack(const std::string&, const std::string&, std::string_view,
                                   std::chrono::milliseconds) {
  throw Error("this connection to the Docker daemon cannot attach to a container's input");
}

std::unique_ptr<HttpTransport> make_curl_transport(const DockerEndpoint& endpoint,
                                                   std::function<void()> check_cancelled) {
  return std::make_unique<CurlTransport>(endpoint, std::move(check_cancelled));
}

std::unique_ptr<HttpTransport> make_curl_transport(const std::string& endpoint,
                                                   std::function<void()> check_cancelled) {
  return make_curl_transport(DockerEndpoint{endpoint, std::nullopt}, std::move(check_cancelled));
}

std::unique_ptr<HttpTransport> make_environment_transport(std::function<void()> check_cancelled) {
  return make_curl_transport(find_docker_endpoint(), std::move(check_cancelled));
}

}  // namespace run_anvil::launcher
