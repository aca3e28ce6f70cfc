#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* MHD_start_daemon is variadic: this wrapper passes the handlers directly and every other
   option through MHD_OPTION_ARRAY (terminated by MHD_OPTION_END), which Swift builds. */
static inline struct MHD_Daemon *liandong_mhd_start_daemon(unsigned int flags, uint16_t port,
                                                           MHD_AcceptPolicyCallback accept_policy, void *accept_cls,
                                                           MHD_AccessHandlerCallback handler, void *handler_cls,
                                                           MHD_RequestCompletedCallback completed, void *completed_cls,
                                                           MHD_NotifyConnectionCallback notify, void *notify_cls,
                                                           struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, accept_policy, accept_cls, handler, handler_cls,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
                            MHD_OPTION_ARRAY, options,
                            MHD_OPTION_END);
}

/* MHD_get_connection_info is variadic: the connection's socket, or -1. */
static inline int liandong_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

/* MHD_get_daemon_info is variadic: the port actually bound (useful after binding port 0). */
static inline uint16_t liandong_mhd_bind_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/* MHD_get_connection_info is variadic: the peer's socket address, or NULL. */
static inline const struct sockaddr *liandong_mhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}
