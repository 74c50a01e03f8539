# `cpack -G DEB` in a build directory: the sluice .deb. /usr/bin/sluice,
# conf/ as /etc/sluice (conffiles), a systemd unit, the Grafana dashboard
# and the README; the service user is created by packaging/postinst.
# Library dependencies come from dpkg-shlibdeps (Debian: dpkg-dev).
install(TARGETS sluice RUNTIME DESTINATION bin)
install(FILES ${PROJECT_SOURCE_DIR}/conf/canal.properties
        DESTINATION /etc/sluice)
install(FILES ${PROJECT_SOURCE_DIR}/conf/test/instance.properties
        DESTINATION /etc/sluice/test)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/sluice.service
        DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/conf/grafana-dashboard.json
        DESTINATION share/sluice)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION share/doc/sluice)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sluice)
set(CPACK_PACKAGE_VENDOR "the sluice developers")
set(CPACK_PACKAGE_CONTACT "sluice developers <sluice@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "MySQL/MariaDB binlog to Kafka, a native canal server replacement")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst
    ${PROJECT_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
