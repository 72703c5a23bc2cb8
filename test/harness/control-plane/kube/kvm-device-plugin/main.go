// kvm-device-plugin advertises a host device node (by default /dev/kvm) to the kubelet as an extended
// resource (by default devices.kubevirt.io/kvm, the name KubeVirt's virt-handler uses), so that a Pod
// which requests it gets the device node and the device-cgroup rule for it. A hostPath mount of the
// device would not do: the cgroup v1 device controller refuses it (EPERM).
//
// It speaks the kubelet's device plugin API (k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1): it serves
// the DevicePlugin service on a socket in the kubelet's plugin directory, registers that socket with
// the kubelet, and registers again whenever the kubelet restarts (which deletes every socket there).
// Test harness only (test/harness/cluster/), built by test/harness/build-control-plane.sh --node.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

type plugin struct {
	pluginapi.UnimplementedDevicePluginServer
	device string
	ids    []string
}

func (p *plugin) GetDevicePluginOptions(context.Context, *pluginapi.Empty) (*pluginapi.DevicePluginOptions, error) {
	return &pluginapi.DevicePluginOptions{}, nil
}

// ListAndWatch sends the devices once (every one healthy while the device node exists) and keeps the
// stream open: the kubelet takes a closed stream for a plugin that went away.
func (p *plugin) ListAndWatch(_ *pluginapi.Empty, stream grpc.ServerStreamingServer[pluginapi.ListAndWatchResponse]) error {
	health := pluginapi.Healthy
	if _, err := os.Stat(p.device); err != nil {
		health = pluginapi.Unhealthy
	}
	devices := make([]*pluginapi.Device, len(p.ids))
	for i, id := range p.ids {
		devices[i] = &pluginapi.Device{ID: id, Health: health}
	}
	if err := stream.Send(&pluginapi.ListAndWatchResponse{Devices: devices}); err != nil {
		return err
	}
	<-stream.Context().Done()
	return nil
}

func (p *plugin) GetPreferredAllocation(context.Context, *pluginapi.PreferredAllocationRequest) (*pluginapi.PreferredAllocationResponse, error) {
	return &pluginapi.PreferredAllocationResponse{}, nil
}

// Allocate gives each container the device node read-write, whichever of the shared ids it got.
func (p *plugin) Allocate(_ context.Context, req *pluginapi.AllocateRequest) (*pluginapi.AllocateResponse, error) {
	resp := &pluginapi.AllocateResponse{}
	for range req.ContainerRequests {
		resp.ContainerResponses = append(resp.ContainerResponses, &pluginapi.ContainerAllocateResponse{
			Devices: []*pluginapi.DeviceSpec{{ContainerPath: p.device, HostPath: p.device, Permissions: "rw"}},
		})
	}
	return resp, nil
}

func (p *plugin) PreStartContainer(context.Context, *pluginapi.PreStartContainerRequest) (*pluginapi.PreStartContainerResponse, error) {
	return &pluginapi.PreStartContainerResponse{}, nil
}

// serve listens on socket and registers it with the kubelet; the returned server stops both.
func serve(p *plugin, dir, socket, resource string) (*grpc.Server, error) {
	path := filepath.Join(dir, socket)
	_ = os.Remove(path)
	listener, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	server := grpc.NewServer()
	pluginapi.RegisterDevicePluginServer(server, p)
	go func() { _ = server.Serve(listener) }()

	conn, err := grpc.NewClient("unix://"+filepath.Join(dir, "kubelet.sock"),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		server.Stop()
		return nil, err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = pluginapi.NewRegistrationClient(conn).Register(ctx, &pluginapi.RegisterRequest{
		Version:      pluginapi.Version,
		Endpoint:     socket,
		ResourceName: resource,
		Options:      &pluginapi.DevicePluginOptions{},
	})
	if err != nil {
		server.Stop()
		return nil, fmt.Errorf("register %s with the kubelet: %w", resource, err)
	}
	return server, nil
}

func main() {
	resource := flag.String("resource", "devices.kubevirt.io/kvm", "extended resource name to advertise")
	device := flag.String("device", "/dev/kvm", "device node each allocation gets")
	count := flag.Int("count", 110, "how many Pods may hold the device at once (KubeVirt advertises 110)")
	dir := flag.String("plugin-dir", pluginapi.DevicePluginPath, "the kubelet's device plugin directory")
	socket := flag.String("socket", "rootfs-test-kvm.sock", "socket file name inside plugin-dir")
	flag.Parse()

	p := &plugin{device: *device}
	for i := 0; i < *count; i++ {
		p.ids = append(p.ids, fmt.Sprintf("kvm%d", i))
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	var server *grpc.Server
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		// The kubelet deletes every socket in its plugin directory when it starts: register again.
		if _, err := os.Stat(filepath.Join(*dir, *socket)); server != nil && err != nil {
			log.Printf("Socket %s disappeared (the kubelet restarted); registering again", *socket)
			server.Stop()
			server = nil
		}
		if server == nil {
			if _, err := os.Stat(filepath.Join(*dir, "kubelet.sock")); err == nil {
				s, err := serve(p, *dir, *socket, *resource)
				if err != nil {
					log.Printf("Registration failed, retrying: %v", err)
				} else {
					server = s
					log.Printf("Registered %s (%d devices, %s) with the kubelet", *resource, *count, *device)
				}
			}
		}
		select {
		case <-stop:
			if server != nil {
				server.Stop()
			}
			_ = os.Remove(filepath.Join(*dir, *socket))
			return
		case <-tick.C:
		}
	}
}
