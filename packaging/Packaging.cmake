# Debian packages: `cmake --build build --target package` writes osspermfs_<version>_amd64.deb
# (the daemon, its man page; `mount -t fuse.osspermfs` and fstab lines find /usr/bin/osspermfs
# through fuse3's /sbin/mount.fuse3) and ossemu_<version>_amd64.deb (the server, its man page),
# each with Depends on the Debian 12 runtime libraries (dpkg-shlibdeps when present, else the
# list below). Included from the top CMakeLists.txt after the install() rules, which name a
# COMPONENT per package; tests/package checks the result (install, --version, a real mount,
# lintian).
include(GNUInstallDirs)

set(OSSPERMFS_MAINTAINER "osspermfs maintainers <maintainers@users.noreply.r-seed-2e041cc1.example>"
    CACHE STRING "Maintainer field of the Debian packages")

# Per package: the gzipped man page, and /usr/share/doc/<pkg>/{copyright,changelog.gz} that
# Debian policy asks of every package.
string(TIMESTAMP PKG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(PKG_MAINTAINER "${OSSPERMFS_MAINTAINER}")
find_program(GZIP_PROGRAM gzip REQUIRED)
foreach(pkg osspermfs ossemu)
  set(PKG_NAME ${pkg})
  set(dir ${CMAKE_BINARY_DIR}/packaging/${pkg})
  configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.in ${dir}/changelog @ONLY)
  add_custom_command(OUTPUT ${dir}/changelog.gz ${dir}/${pkg}.1.gz
    COMMAND ${GZIP_PROGRAM} -9nc ${dir}/changelog > ${dir}/changelog.gz
    COMMAND ${GZIP_PROGRAM} -9nc ${PROJECT_SOURCE_DIR}/man/${pkg}.1 > ${dir}/${pkg}.1.gz
    DEPENDS ${dir}/changelog ${PROJECT_SOURCE_DIR}/man/${pkg}.1
    COMMENT "Compressing the ${pkg} man page and changelog for its package")
  add_custom_target(${pkg}_package_docs ALL DEPENDS ${dir}/changelog.gz ${dir}/${pkg}.1.gz)
  install(FILES ${dir}/${pkg}.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${pkg}
          EXCLUDE_FROM_ALL)
  install(FILES ${dir}/changelog.gz ${CMAKE_CURRENT_LIST_DIR}/copyright
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg} COMPONENT ${pkg} EXCLUDE_FROM_ALL)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME osspermfs)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "osspermfs")
set(CPACK_PACKAGE_CONTACT "${OSSPERMFS_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL osspermfs ossemu)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${OSSPERMFS_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "")

find_program(DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_OSSPERMFS_PACKAGE_DEPENDS "fuse3")
else()
  # Debian 12 (bookworm) sonames of what the programs link.
  set(CPACK_DEBIAN_OSSPERMFS_PACKAGE_DEPENDS
      "fuse3, libc6 (>= 2.36), libfuse3-3 (>= 3.14), libcurl4 (>= 7.88), libxml2 (>= 2.9), libssl3 (>= 3.0), libjansson4 (>= 2.14)")
  set(CPACK_DEBIAN_OSSEMU_PACKAGE_DEPENDS
      "libc6 (>= 2.36), libmicrohttpd12 (>= 0.9.75), libsqlite3-0 (>= 3.40), libjansson4 (>= 2.14), libcurl4 (>= 7.88), libxml2 (>= 2.9), libssl3 (>= 3.0)")
endif()

set(CPACK_DEBIAN_OSSPERMFS_PACKAGE_NAME osspermfs)
set(CPACK_DEBIAN_OSSEMU_PACKAGE_NAME ossemu)
set(CPACK_COMPONENT_OSSPERMFS_DISPLAY_NAME "osspermfs")
set(CPACK_COMPONENT_OSSPERMFS_DESCRIPTION
    "Alibaba Cloud OSS as a filesystem with permissions as files\n\
osspermfs mounts the buckets of an Alibaba Cloud Object Storage Service\n\
account, or one bucket, with FUSE. Objects are files; bucket and object ACLs\n\
and bucket settings are small files read with cat and changed with echo,\n\
sed -i or an editor. Mount with `osspermfs BUCKET DIR` or from /etc/fstab\n\
with type fuse.osspermfs.")
set(CPACK_COMPONENT_OSSEMU_DISPLAY_NAME "ossemu")
set(CPACK_COMPONENT_OSSEMU_DESCRIPTION
    "OSS-compatible server for tests and demos\n\
ossemu serves the Alibaba Cloud OSS REST API from a local directory: V1 and\n\
V4 signatures, accounts, RAM policies, ACLs, versioning, multipart uploads,\n\
several regions, fault injection and a JSON request log.")

include(CPack)
