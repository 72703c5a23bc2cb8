import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  allChildNames,
  installVm as installVmFor,
  type BuildContext,
} from "../../../src/controller/builders/index.js";
import { allNames, createdDisk } from "./all-children.js";
import { buildNamed, contextFor, distroCases, operatorConfig, set } from "./fixtures.js";

const expectedByArch = {
  x86_64: { cdromBus: "sata", bootloader: { bios: {} }, architecture: "amd64" },
  aarch64: { cdromBus: "scsi", bootloader: { efi: { secureBoot: false } }, architecture: "arm64" },
} as const;

const installVm = (ctx: BuildContext) => installVmFor(ctx, createdDisk(ctx));

describe("install VirtualMachine", () => {
  for (const distro of distroCases) {
    describe(distro.id, () => {
      const expected = expectedByArch[distro.arch];

      test("boots the ISO once, installing onto the target disk", async () => {
        const ctx = await contextFor(buildNamed("vm", distro.modifier));
        const names = allChildNames(ctx);
        const vm = installVm(ctx);
        assert.equal(vm.apiVersion, "kubevirt.io/v1");
        assert.equal(vm.kind, "VirtualMachine");
        assert.equal(vm.spec.runStrategy, "Once");
        const spec = vm.spec.template.spec;
        assert.ok(spec);
        const disks = spec.domain.devices.disks ?? [];
        assert.deepEqual(disks.slice(0, 2), [
          { name: "target", disk: { bus: "virtio" }, bootOrder: 2 },
          { name: "installer", cdrom: { bus: expected.cdromBus, readonly: true }, bootOrder: 1 },
        ]);
        assert.deepEqual(spec.volumes?.slice(0, 2), [
          { name: "target", persistentVolumeClaim: { claimName: names.targetDiskPvc } },
          { name: "installer", persistentVolumeClaim: { claimName: names.isoPvc, readOnly: true } },
        ]);
        assert.equal(disks.filter((d) => d.disk?.bus === "virtio").length, 1, "the target is vda");
      });

      test(
        distro.sideVolume
          ? `carries the answer files on a "${distro.sideVolume}" CD-ROM made from the answer Secret`
          : "has no answer side volume (the answer file is embedded in the ISO)",
        async () => {
          const ctx = await contextFor(buildNamed("vm", distro.modifier));
          const spec = installVm(ctx).spec.template.spec;
          const answerDisk = spec?.domain.devices.disks?.find((d) => d.name === "answers");
          const answerVolume = spec?.volumes?.find((v) => v.name === "answers");
          if (distro.sideVolume === undefined) {
            assert.equal(answerDisk, undefined);
            assert.equal(answerVolume, undefined);
            assert.equal(spec?.volumes?.length, 2);
            return;
          }
          assert.deepEqual(answerDisk, {
            name: "answers",
            cdrom: { bus: expected.cdromBus, readonly: true },
          });
          assert.deepEqual(answerVolume, {
            name: "answers",
            secret: { secretName: allNames(ctx).answerSecret, volumeLabel: distro.sideVolume },
          });
        },
      );

      test(`firmware, architecture and nodeSelector for ${distro.arch}`, async () => {
        const config = operatorConfig({
          nodeSelectors: { x86_64: { pool: "amd-vms" }, aarch64: { pool: "arm-vms" } },
        });
        const spec = installVm(await contextFor(buildNamed("vm", distro.modifier), { config })).spec.template
          .spec;
        assert.deepEqual(spec?.domain.firmware, { bootloader: expected.bootloader });
        assert.equal(spec?.architecture, expected.architecture);
        assert.deepEqual(spec?.nodeSelector, { pool: distro.arch === "x86_64" ? "amd-vms" : "arm-vms" });
      });

      test("has no network, logs its serial console and stops at once", async () => {
        const spec = installVm(await contextFor(buildNamed("vm", distro.modifier))).spec.template.spec;
        assert.deepEqual(spec?.networks, []);
        assert.deepEqual(spec?.domain.devices.interfaces, []);
        assert.equal(spec?.domain.devices.autoattachPodInterface, false);
        assert.equal(spec?.domain.devices.autoattachSerialConsole, true);
        assert.equal(spec?.domain.devices.logSerialConsole, true);
        assert.equal(spec?.terminationGracePeriodSeconds, 0);
      });
    });
  }

  test("with spec.install.network, the pod network and the label a NetworkPolicy selects", async () => {
    const build = buildNamed("net", set("spec.install.network", { mirror: "http://10.1.2.3/debian" }));
    const vm = installVm(await contextFor(build));
    const spec = vm.spec.template.spec;
    assert.deepEqual(spec?.networks, [{ name: "mirror", pod: {} }]);
    assert.deepEqual(spec?.domain.devices.interfaces, [{ name: "mirror", masquerade: {} }]);
    assert.equal(vm.spec.template.metadata?.labels?.["rootfs.dev/install-network"], "mirror");
    assert.equal(vm.metadata.labels?.["rootfs.dev/install-network"], undefined, "only the VMI's Pod");
  });

  test("CPU and memory come from spec.install.vm", async () => {
    const build = buildNamed("sized", set("spec.install.vm", { cpu: 6, memory: "12Gi" }));
    const vm = installVm(await contextFor(build));
    const domain = vm.spec.template.spec?.domain;
    assert.deepEqual(domain?.cpu, { cores: 6 });
    assert.deepEqual(domain?.memory, { guest: "12Gi" });
    assert.deepEqual(domain?.resources, { requests: { memory: "12Gi" } });
    assert.deepEqual(vm.spec.template.metadata?.labels, vm.metadata.labels);
  });
});
