#include "run_anvil/launcher/http_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/docker_endpoint.h"

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

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

class CurlTransport final : public HttpTransport {
 public:
  CurlTransport(std::string endpoint, std::function<void()> check_cancelled)
      : endpoint_(std::move(endpoint)),
        target_(parse_docker_endpoint(endpoint_)),
        check_cancelled_(std::move(check_cancelled)) {
    init_curl_once();
  }

  HttpResponse request(const std::string& method, const std::string& path, const std::string& body,
                       milliseconds timeout) override {
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
    const milliseconds connect =
        std::min(total, target_.is_unix ? kUnixConnectTimeout : kTcpConnectTimeout);

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    if (target_.is_unix) {
      curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, target_.socket_path.c_str());
      curl_easy_setopt(curl, CURLOPT_PROXY, "");  // http_proxy must not hijack a local socket
    }
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM games in a threaded process
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    if (method == "GET") {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
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
  struct Handles {
    EasyHandle easy;
    MultiHandle multi;
  };

  // Borrows an idle handle (or makes one) and gives it back afterwards, so each thread that is
  // mid-request has its own handle and finished handles keep their connection for the next call.
  class Lease {
   public:
    explicit Lease(CurlTransport& owner) : owner_(owner) {
      {
        std::lock_guard lock(owner_.pool_mutex_);
        if (!owner_.idle_.empty()) {
          handle_ = std::move(owner_.idle_.back());
          owner_.idle_.pop_back();
        }
      }
      if (!handle_.easy) handle_.easy.reset(curl_easy_init());
      if (!handle_.multi) handle_.multi.reset(curl_multi_init());
      if (!handle_.easy || !handle_.multi) {
        throw Error("cannot create a libcurl handle (out of memory?)");
      }
    }
    ~Lease() {
      std::lock_guard lock(owner_.pool_mutex_);
      owner_.idle_.push_back(std::move(handle_));
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
    if (connected) {
      return DaemonUnavailable("lost the connection to the Docker daemon at " + endpoint_ +
                               " during " + method + " " + path + " (" + reason +
                               "); was it restarted? Run again once `docker info` answers: the "
                               "next launch picks up whatever this one left half-made");
    }
    return DaemonUnavailable("cannot reach the Docker daemon at " + endpoint_ + " (" + reason +
                             "); " + hint);
  }

  const std::string endpoint_;
  const DialTarget target_;
  const std::function<void()> check_cancelled_;
  std::mutex pool_mutex_;
  std::vector<Handles> idle_;
};

}  // namespace

std::unique_ptr<HttpTransport> make_curl_transport(const std::string& endpoint,
                                                   std::function<void()> check_cancelled) {
  return std::make_unique<CurlTransport>(endpoint, std::move(check_cancelled));
}

}  // namespace run_anvil::launcher
